import { discover } from '../../src/discovery/discover.js';
import { InputError } from '../../src/errors.js';
import { tempRepo } from './temp-repo.js';

const REPO = {
  Dockerfile: 'FROM node:20-alpine AS build\nFROM nginx:1.27\n',
  'Dockerfile.dockerignore': 'node_modules\n',
  'services/api/Dockerfile.prod': 'FROM python:3.12-slim\n',
  'services/api/worker.Dockerfile': 'FROM python:3.12-slim\n',
  'tools/ci.dockerfile': 'FROM busybox:1.36\n',
  '.devcontainer/Dockerfile': 'FROM mcr.microsoft.com/devcontainers/base:bookworm\n',
  'compose.yaml': 'services:\n  db:\n    image: postgres:${PG:-16}\n',
  'deploy/compose.prod.yml': 'services:\n  web:\n    image: ghcr.io/acme/web:1.0\n',
  'docker-compose.override.yml': 'services:\n  cache:\n    image: redis:7\n',
  '.github/workflows/ci.yml': 'on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    container: node:20\n',
  '.github/workflows/nested/ignored.yml': 'jobs:\n  t:\n    container: node:18\n',
  'k8s/deploy.yaml': 'apiVersion: v1\nkind: Pod\nspec:\n  containers: [{name: a, image: busybox:1.36}]\n',
  'stack.yml': 'services:\n  a:\n    image: traefik:v3.1\n',
  'notes.yaml': 'title: not an image file\n',
  'broken.yaml': 'apiVersion: v1\nkind: [Pod\n',
  'node_modules/pkg/Dockerfile': 'FROM node:16\n',
  'README.md': 'FROM in a readme\n'
};

describe('discover', () => {
  test('scans SPEC default globs, skipping node_modules, sorted by file then line', async () => {
    const cwd = await tempRepo(REPO);
    const result = await discover({ cwd });
    expect(result.occurrences.map((occurrence) => `${occurrence.file}:${occurrence.line} ${occurrence.kind} ${occurrence.text}`)).toEqual([
      '.devcontainer/Dockerfile:1 dockerfile-from mcr.microsoft.com/devcontainers/base:bookworm',
      '.github/workflows/ci.yml:5 workflow-container node:20',
      'Dockerfile:1 dockerfile-from node:20-alpine',
      'Dockerfile:2 dockerfile-from nginx:1.27',
      'compose.yaml:3 compose-image postgres:16',
      'deploy/compose.prod.yml:3 compose-image ghcr.io/acme/web:1.0',
      'docker-compose.override.yml:3 compose-image redis:7',
      'services/api/Dockerfile.prod:1 dockerfile-from python:3.12-slim',
      'services/api/worker.Dockerfile:1 dockerfile-from python:3.12-slim',
      'tools/ci.dockerfile:1 dockerfile-from busybox:1.36'
    ]);
    expect(result.problems).toEqual([]);
    expect(await discover({ cwd })).toEqual(result);
  });

  test('passes the environment to compose interpolation', async () => {
    const cwd = await tempRepo({ 'compose.yaml': REPO['compose.yaml'] });
    const result = await discover({ cwd, env: { PG: '15' } });
    expect(result.occurrences.map((occurrence) => occurrence.text)).toEqual(['postgres:15']);
  });

  test('named files replace the defaults; other YAML is recognised by content', async () => {
    const cwd = await tempRepo(REPO);
    const result = await discover({ cwd, files: ['k8s/*.yaml', 'stack.yml', './Dockerfile', `${cwd}/notes.yaml`, 'broken.yaml'] });
    expect(result.occurrences.map((occurrence) => `${occurrence.file} ${occurrence.kind} ${occurrence.text}`)).toEqual([
      'Dockerfile dockerfile-from node:20-alpine',
      'Dockerfile dockerfile-from nginx:1.27',
      'k8s/deploy.yaml k8s-container busybox:1.36',
      'stack.yml compose-image traefik:v3.1'
    ]);
    expect(result.problems).toEqual([
      { file: 'broken.yaml', line: expect.any(Number), message: expect.stringMatching(/^invalid YAML: /) },
      { file: 'notes.yaml', line: 1, message: expect.stringMatching(/^not a file image-lock reads \(Dockerfile, compose file, /) }
    ]);
  });

  test('a named path that does not exist is bad input; a glob matching nothing is not', async () => {
    const cwd = await tempRepo(REPO);
    await expect(discover({ cwd, files: ['Dockerfile', 'missing/Dockerfile'] })).rejects.toThrow(
      new InputError('no such file: missing/Dockerfile')
    );
    await expect(discover({ cwd, files: ['nothing/**/*.yaml'] })).resolves.toEqual({ occurrences: [], problems: [] });
  });
});
