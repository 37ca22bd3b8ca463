import { devcontainerKind } from '../../src/discovery/kinds/devcontainer.js';
import { scanKind } from './scan.js';
import { summary } from './spans.js';

const CONFIG = `// For format details, see the dev containers specification.
{
  "name": "Go",
  /* The image is pinned by the lockfile. */
  "image": "mcr.microsoft.com/devcontainers/go:1-1.22-bookworm",
  "features": {
    "ghcr.io/devcontainers/features/docker-in-docker:2": {},
  },
  "customizations": { "vscode": { "extensions": ["golang.go"] } },
  // A trailing comma, as editors leave them:
  "forwardPorts": [8080,],
}
`;

describe('dev containers (devcontainer.json, JSON with comments)', () => {
  test('image, through comments and trailing commas; features are not images', async () => {
    const result = await scanKind(devcontainerKind, '.devcontainer/devcontainer.json', CONFIG);
    expect(summary(result)).toEqual(['5 mcr.microsoft.com/devcontainers/go:1-1.22-bookworm @5:13']);
    expect(result.occurrences[0].kind).toBe('devcontainer-image');
    expect(result.problems).toEqual([]);
  });

  test('CRLF files give the same lines and columns', async () => {
    expect(await scanKind(devcontainerKind, '.devcontainer.json', CONFIG.replace(/\n/g, '\r\n'))).toEqual(
      await scanKind(devcontainerKind, '.devcontainer.json', CONFIG)
    );
  });

  test('a build or compose configuration has no image; a variable is reported; an escaped value is not rewritable', async () => {
    expect((await scanKind(devcontainerKind, '.devcontainer.json', '{"build": {"dockerfile": "Dockerfile"}}')).occurrences).toEqual([]);
    const variable = await scanKind(
      devcontainerKind,
      '.devcontainer.json',
      '{\n"image": "mcr.microsoft.com/devcontainers/base:${localEnv:VARIANT}"}'
    );
    expect(variable.problems[0]).toMatchObject({ line: 2, message: expect.stringMatching(/^cannot resolve the variable/) });
    const escaped = await scanKind(devcontainerKind, '.devcontainer.json', '{"image": "alpine\\u003a3.20"}');
    expect(escaped.occurrences).toEqual([{ file: '.devcontainer.json', line: 1, text: 'alpine:3.20', kind: 'devcontainer-image' }]);
  });

  test('broken JSON is a problem, not a crash', async () => {
    const result = await scanKind(devcontainerKind, '.devcontainer.json', '{\n  "image": "alpine:3.20"\n  "name": [\n');
    expect(result.problems[0].message).toMatch(/^invalid JSON/);
    expect(result.occurrences.map((occurrence) => occurrence.text)).toEqual(['alpine:3.20']);
  });

  test('the paths SPEC names', () => {
    const repository = { env: {}, readText: () => Promise.resolve(undefined), hasFile: () => Promise.resolve(false) };
    for (const path of [
      '.devcontainer/devcontainer.json',
      'a/.devcontainer/python/devcontainer.json',
      '.devcontainer.json',
      'x/.devcontainer.json'
    ]) {
      expect(devcontainerKind.matchesPath(path, repository)).toBe(true);
    }
    expect(devcontainerKind.matchesPath('devcontainer.json', repository)).toBe(false);
    expect(devcontainerKind.matchesPath('.devcontainer/a/b/devcontainer.json', repository)).toBe(false);
  });
});
