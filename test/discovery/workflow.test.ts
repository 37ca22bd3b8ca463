import { SourceFile } from '../../src/discovery/file-kind.js';
import { parseWorkflow } from '../../src/discovery/kinds/workflow.js';
import { expectSpansHoldText, summary } from './spans.js';

function parse(content: string) {
  const result = parseWorkflow(new SourceFile('.github/workflows/ci.yml', content));
  expectSpansHoldText(content, result);
  return result;
}

const WORKFLOW = `name: ci
on:
  push:
    branches: [main]
  pull_request:

jobs:
  test:
    runs-on: ubuntu-latest
    container: node:20-bookworm
    services:
      postgres:
        image: postgres:16
        env:
          POSTGRES_PASSWORD: postgres
        options: >-
          --health-cmd pg_isready
      redis:
        image: \${{ matrix.redis }}
    strategy:
      matrix:
        redis: ["redis:7.2", "valkey/valkey:8"]
    steps:
      - uses: actions/checkout@v4
      - uses: docker://alpine:3.20
        with:
          args: echo hello
      - name: lint
        uses: 'docker://ghcr.io/acme/linter:1.2.3'   # pinned by the team
      - run: docker run --rm busybox:1.36 true

  build:
    runs-on: ubuntu-latest
    container:
      image: "ghcr.io/acme/builder:2024.06"
      credentials:
        username: \${{ github.actor }}
        password: \${{ secrets.GITHUB_TOKEN }}
    steps:
      - uses: docker://\${{ vars.TOOL }}

  matrix:
    runs-on: ubuntu-latest
    container: \${{ matrix.image }}
  host:
    runs-on: ubuntu-latest
    container: ''
  reusable:
    uses: ./.github/workflows/deploy.yml
`;

describe('parseWorkflow', () => {
  test('finds job containers, service containers and docker:// steps', () => {
    const result = parse(WORKFLOW);
    expect(summary(result)).toEqual([
      '10 node:20-bookworm @10:16',
      '13 postgres:16 @13:16',
      '25 alpine:3.20 @25:24',
      '29 ghcr.io/acme/linter:1.2.3 @29:25',
      '35 ghcr.io/acme/builder:2024.06 @35:15'
    ]);
    expect(result.occurrences.map((occurrence) => occurrence.kind)).toEqual([
      'workflow-container',
      'workflow-service',
      'workflow-step',
      'workflow-step',
      'workflow-container'
    ]);
  });

  test('a ${{ }} expression is reported as unresolvable, not guessed', () => {
    expect(parse(WORKFLOW).problems).toEqual([
      { file: '.github/workflows/ci.yml', line: 19, message: 'cannot resolve expression in "${{ matrix.redis }}"' },
      { file: '.github/workflows/ci.yml', line: 40, message: 'cannot resolve expression in "docker://${{ vars.TOOL }}"' },
      { file: '.github/workflows/ci.yml', line: 44, message: 'cannot resolve expression in "${{ matrix.image }}"' }
    ]);
  });

  test('CRLF files give the same lines and columns', () => {
    expect(parse(WORKFLOW.replace(/\n/g, '\r\n'))).toEqual(parse(WORKFLOW));
  });

  test('odd shapes are ignored', () => {
    expect(parse('jobs: [a, b]\n')).toEqual({ occurrences: [], problems: [] });
    expect(parse('jobs:\n  a:\n    steps: {uses: docker://x}\n    container: {image: 5}\n')).toEqual({ occurrences: [], problems: [] });
    expect(parse('on: push\n')).toEqual({ occurrences: [], problems: [] });
  });

  test('a service written as a plain string is a reference, as GitHub allows', () => {
    const result = parse(
      'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    services:\n      postgres: "postgres:10"\n      redis: redis:7\n'
    );
    expect(summary(result)).toEqual(['6 postgres:10 @6:18', '7 redis:7 @7:14']);
    expect(result.occurrences.map((occurrence) => occurrence.kind)).toEqual(['workflow-service', 'workflow-service']);
  });
});
