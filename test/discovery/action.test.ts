import { actionKind } from '../../src/discovery/kinds/action.js';
import { scanKind } from './scan.js';
import { summary } from './spans.js';

describe('container actions (action.yml)', () => {
  test('runs.image docker:// is a reference with its exact span', async () => {
    const content = `name: Lint
description: Runs the linter in its published image
inputs:
  config:
    description: where the configuration is
runs:
  using: 'docker'
  image: 'docker://ghcr.io/acme/lint-action:3.1.0'
  args:
    - \${{ inputs.config }}
`;
    const result = await scanKind(actionKind, 'lint/action.yml', content);
    expect(summary(result)).toEqual(['8 ghcr.io/acme/lint-action:3.1.0 @8:20']);
    expect(result.occurrences[0].kind).toBe('action-image');
  });

  test('an image built from a Dockerfile, JavaScript and composite actions name no reference', async () => {
    for (const runs of [
      "using: docker\n  image: 'Dockerfile'",
      'using: docker\n  image: docker/Dockerfile.action',
      "using: node20\n  main: 'dist/index.js'",
      'using: composite\n  steps: []'
    ]) {
      expect(await scanKind(actionKind, 'action.yaml', `name: x\nruns:\n  ${runs}\n`)).toEqual({ occurrences: [], problems: [] });
    }
  });

  test("a composite action's steps that run an image (uses: docker://) are references, with the span pin rewrites", async () => {
    const content = `name: Release notes
runs:
  using: composite
  steps:
    - uses: actions/checkout@v4
    - name: Render
      uses: docker://alpine:3.20
      with:
        args: sh -c 'echo notes'
    - uses: "docker://ghcr.io/acme/notes:1.2"
    - run: echo done
      shell: bash
`;
    const result = await scanKind(actionKind, 'notes/action.yml', content);
    expect(summary(result)).toEqual(['7 alpine:3.20 @7:22', '10 ghcr.io/acme/notes:1.2 @10:23']);
    expect(result.occurrences.map((occurrence) => occurrence.kind)).toEqual(['action-step', 'action-step']);
  });

  test('an expression is reported; the path is recognised in any folder', async () => {
    const result = await scanKind(actionKind, 'action.yml', 'runs:\n  using: docker\n  image: docker://${{ inputs.image }}\n');
    expect(result.problems).toEqual([
      { file: 'action.yml', line: 3, message: 'cannot resolve expression in "docker://${{ inputs.image }}"' }
    ]);
    const repository = { env: {}, readText: () => Promise.resolve(undefined), hasFile: () => Promise.resolve(false) };
    expect(actionKind.matchesPath('tools/release/action.yaml', repository)).toBe(true);
    expect(actionKind.matchesPath('tools/release/my-action.yaml', repository)).toBe(false);
  });
});
