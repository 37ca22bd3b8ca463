import { cli, workspace } from './helpers.js';

const FILES = {
  Dockerfile: '# syntax=docker/dockerfile:1\nFROM golang:1.22 AS build\nFROM Bad:Ref\n',
  'compose.yaml': 'services:\n  db:\n    image: postgres:${PG:-16}\n  api:\n    image: ghcr.io/acme/api:${API_TAG}\n',
  '.github/workflows/ci.yml': 'on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    services:\n      redis: redis:7\n',
  'test/fixtures/Dockerfile': 'FROM fixture:1\n',
  'README.md': 'FROM nothing\n'
};

describe('image-lock list', () => {
  test('--json: every reference with file, line, text, normalised reference and kind, then the problems; exit 1 for an invalid one', async () => {
    const dir = await workspace(FILES);
    const result = await cli(dir, 'list', '--json', '--exclude', 'test/**');
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      references: [
        { file: '.github/workflows/ci.yml', line: 6, text: 'redis:7', reference: 'docker.io/library/redis:7', kind: 'workflow-service' },
        { file: 'Dockerfile', line: 1, text: 'docker/dockerfile:1', reference: 'docker.io/docker/dockerfile:1', kind: 'dockerfile-syntax' },
        { file: 'Dockerfile', line: 2, text: 'golang:1.22', reference: 'docker.io/library/golang:1.22', kind: 'dockerfile-from' },
        { file: 'Dockerfile', line: 3, text: 'Bad:Ref', kind: 'dockerfile-from' },
        { file: 'compose.yaml', line: 3, text: 'postgres:16', reference: 'docker.io/library/postgres:16', kind: 'compose-image' }
      ],
      problems: [
        { file: 'Dockerfile', line: 3, message: 'invalid image reference "Bad:Ref": repository name must be lowercase' },
        { file: 'compose.yaml', line: 5, message: 'cannot expand "ghcr.io/acme/api:${API_TAG}": API_TAG has no value' }
      ]
    });
    expect(result.stderr).toContain('Dockerfile:3: error: invalid image reference "Bad:Ref"');
    expect(result.stderr).toContain('compose.yaml:5: warning: cannot expand');
  });

  test('human text by default; --file names what to scan; no network, so it works offline', async () => {
    const dir = await workspace(FILES);
    const result = await cli(dir, 'list', '--file', 'test/fixtures/Dockerfile', '--file', 'compose.yaml');
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      'compose.yaml:3              compose-image    postgres:16  ->  docker.io/library/postgres:16',
      'test/fixtures/Dockerfile:1  dockerfile-from  fixture:1  ->  docker.io/library/fixture:1',
      '2 image references in 2 files',
      ''
    ]);
  });

  test('bad flags are exit 2', async () => {
    const dir = await workspace(FILES);
    expect((await cli(dir, 'list', '--image', 'nginx')).code).toBe(2);
    expect((await cli(dir, 'list', '--file', 'missing/Dockerfile')).code).toBe(2);
  });
});
