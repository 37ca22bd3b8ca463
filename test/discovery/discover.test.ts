import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
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

  test('a named path that does not exist is bad input, and so is a glob matching nothing', async () => {
    const cwd = await tempRepo(REPO);
    await expect(discover({ cwd, files: ['Dockerfile', 'missing/Dockerfile'] })).rejects.toThrow(
      new InputError('no such file: missing/Dockerfile')
    );
    // Else a mistyped glob would empty the lockfile with exit 0.
    await expect(discover({ cwd, files: ['nothing/**/*.yaml'] })).rejects.toThrow(new InputError('no file matches nothing/**/*.yaml'));
    await expect(discover({ cwd, files: ['Dockerfile', '**/*.yaml', 'none/*.yml'] })).rejects.toThrow(
      new InputError('no file matches none/*.yml')
    );
  });

  test('templates, documentation, dependencies and Helm templates/ are never scanned; a bad file does not end the scan', async () => {
    const cwd = await tempRepo({
      'molecule/default/Dockerfile.j2': 'FROM {{ item.image }}\n',
      'docs/Dockerfile.md': '# How to write a Dockerfile\nFROM your-image-here\n',
      'Dockerfile.tmpl': 'FROM {{.Base}}\n',
      'docker-compose.yml.erb': 'services: {a: {image: <%= image %>}}\n',
      'vendor/github.com/x/Dockerfile': 'FROM golang:1.20\n',
      'web/node_modules/pkg/Dockerfile': 'FROM node:16\n',
      'chart/Chart.yaml': 'apiVersion: v2\nname: chart\nversion: 1.0.0\n',
      'chart/values.yaml': 'image: nginx:1.27\n',
      'chart/templates/Dockerfile': 'FROM {{ .Values.image }}\n',
      'other/templates/Dockerfile': 'FROM alpine:3.20\n',
      'config/values.yaml': 'image: not-a-chart:1\n',
      Dockerfile: 'FROM REPLACE-ME\nFROM debian:12\n',
      'Containerfile.build': 'FROM fedora:40\n'
    });
    const result = await discover({ cwd });
    expect(result.occurrences.map((occurrence) => `${occurrence.file}:${occurrence.line} ${occurrence.kind} ${occurrence.text}`)).toEqual([
      'Containerfile.build:1 dockerfile-from fedora:40',
      'Dockerfile:2 dockerfile-from debian:12',
      'chart/values.yaml:1 helm-values nginx:1.27',
      'other/templates/Dockerfile:1 dockerfile-from alpine:3.20'
    ]);
    expect(result.problems).toEqual([
      expect.objectContaining({ file: 'Dockerfile', line: 1, invalid: true, text: 'REPLACE-ME', kind: 'dockerfile-from' })
    ]);
  });

  test('--exclude drops paths from the default globs and from named ones; an excluded plain path is not missing', async () => {
    const cwd = await tempRepo({
      Dockerfile: 'FROM a:1\n',
      'test/fixtures/Dockerfile': 'FROM Bad:Fixture\n',
      'compose.yaml': 'services: {a: {image: b:1}}\n'
    });
    const texts = async (options: { files?: string[]; exclude?: string[] }) =>
      (await discover({ cwd, ...options })).occurrences.map((occurrence) => occurrence.text);
    expect(await texts({ exclude: ['test/**'] })).toEqual(['a:1', 'b:1']);
    expect(await texts({ exclude: ['**/compose.yaml', 'test/**'] })).toEqual(['a:1']);
    expect(await texts({ files: ['**/Dockerfile'], exclude: ['test/**'] })).toEqual(['a:1']);
    expect(await texts({ files: ['Dockerfile', 'compose.yaml'], exclude: ['compose.yaml'] })).toEqual(['a:1']);
  });

  test('symbolic links: not followed out of the repository nor round a loop; a file reached twice is scanned once', async () => {
    const outside = await tempRepo({ Dockerfile: 'FROM outside:1\n' });
    const cwd = await tempRepo({ 'app/Dockerfile': 'FROM inside:1\n' });
    await symlink(outside, join(cwd, 'linked'));
    await symlink('..', join(cwd, 'app/loop'));
    await symlink('app', join(cwd, 'alias'));
    const result = await discover({ cwd });
    expect(result.occurrences.map((occurrence) => `${occurrence.file} ${occurrence.text}`)).toEqual(['app/Dockerfile inside:1']);
  });

  test('compose include: and extends: files are scanned with their own paths and lines, each once', async () => {
    const cwd = await tempRepo({
      'compose.yaml':
        'include:\n  - infra/db.yaml\nservices:\n  web:\n    extends: {file: common/base.yml, service: base}\n    image: nginx:1.27\n',
      'infra/db.yaml': 'services:\n  db:\n    image: postgres:16\n    extends: {file: ../common/base.yml, service: base}\n',
      'common/base.yml': 'services:\n  base:\n    image: busybox:1.36\n'
    });
    const result = await discover({ cwd });
    expect(result.occurrences.map((occurrence) => `${occurrence.file}:${occurrence.line} ${occurrence.text}`)).toEqual([
      'common/base.yml:3 busybox:1.36',
      'compose.yaml:6 nginx:1.27',
      'infra/db.yaml:3 postgres:16'
    ]);
  });

  test('a named file whose name says nothing is read by its content: a Dockerfile, or YAML of a known kind', async () => {
    const cwd = await tempRepo({
      'build/base.image': '# syntax=docker/dockerfile:1\nARG V=3.20\nFROM alpine:${V}\nRUN true\n',
      'notes.conf': 'FROM here we go\n',
      'ci/pipeline.yml': 'on: push\njobs:\n  a:\n    container: node:20\n'
    });
    const result = await discover({ cwd, files: ['build/base.image', 'notes.conf', 'ci/pipeline.yml'] });
    expect(result.occurrences.map((occurrence) => `${occurrence.file} ${occurrence.kind} ${occurrence.text}`)).toEqual([
      'build/base.image dockerfile-syntax docker/dockerfile:1',
      'build/base.image dockerfile-from alpine:3.20',
      'ci/pipeline.yml workflow-container node:20'
    ]);
    expect(result.problems.map((problem) => problem.file)).toEqual(['notes.conf']);
  });
});
