import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { discover } from '../../src/discovery/discover.js';
import { pinFiles } from '../../src/pin/pin.js';
import { tempRepo } from '../discovery/temp-repo.js';

const D = `sha256:${'e'.repeat(64)}`;

/** One file of each CI kind, at the paths the default globs scan. */
const FILES: Record<string, string> = {
  '.circleci/config.yml':
    'version: 2.1\nparameters:\n  base:\n    type: string\n    default: cimg/base:2024.06\njobs:\n  a:\n    docker:\n      - image: << pipeline.parameters.base >>\n      - image: "redis:7.2"\n',
  'bitbucket-pipelines.yml':
    "image:\n  name: 'python:3.12'\npipelines:\n  default:\n    - step:\n        script:\n          - pipe: docker://acme/notify:2.0\n",
  'azure-pipelines.yml':
    'resources:\n  containers:\n    - container: b\n      image: ubuntu:24.04\njobs:\n  - job: x\n    container: b\n    services:\n      db: postgres:16\n',
  'infra/cloudbuild.yaml': "steps:\r\n  - name: 'gcr.io/cloud-builders/docker'  # builder\r\n",
  '.drone.yml': 'kind: pipeline\nsteps:\n  - name: t\n    image: golang:1.22\n',
  '.woodpecker/test.yml': 'clone:\n  - name: git\n    image: woodpeckerci/plugin-git:2.5\nsteps:\n  t:\n    image: node:22\n'
};

describe('the CI kinds: found by the default globs and pinned in place', () => {
  test('every reference is rewritten to name:tag@digest where it is written', async () => {
    const cwd = await tempRepo(FILES);
    const { occurrences, problems } = await discover({ cwd });
    expect(problems).toEqual([]);
    expect(occurrences.map((occurrence) => `${occurrence.file} ${occurrence.kind} ${occurrence.text}`)).toEqual([
      '.circleci/config.yml circleci-image cimg/base:2024.06',
      '.circleci/config.yml circleci-image redis:7.2',
      '.drone.yml drone-step golang:1.22',
      '.woodpecker/test.yml woodpecker-clone woodpeckerci/plugin-git:2.5',
      '.woodpecker/test.yml woodpecker-step node:22',
      'azure-pipelines.yml azure-container ubuntu:24.04',
      'azure-pipelines.yml azure-service postgres:16',
      'bitbucket-pipelines.yml bitbucket-image python:3.12',
      'bitbucket-pipelines.yml bitbucket-pipe acme/notify:2.0',
      'infra/cloudbuild.yaml cloudbuild-step gcr.io/cloud-builders/docker'
    ]);
    const result = await pinFiles(cwd, occurrences, () => D);
    expect(result.skipped).toEqual([]);
    const read = (path: string) => readFile(join(cwd, path), 'utf8');
    expect(await read('.circleci/config.yml')).toBe(
      FILES['.circleci/config.yml'].replace('cimg/base:2024.06', `cimg/base:2024.06@${D}`).replace('redis:7.2', `redis:7.2@${D}`)
    );
    expect(await read('bitbucket-pipelines.yml')).toContain(`name: 'python:3.12@${D}'\n`);
    expect(await read('bitbucket-pipelines.yml')).toContain(`- pipe: docker://acme/notify:2.0@${D}\n`);
    expect(await read('azure-pipelines.yml')).toContain(`image: ubuntu:24.04@${D}\n`);
    expect(await read('azure-pipelines.yml')).toContain(`db: postgres:16@${D}\n`);
    expect(await read('infra/cloudbuild.yaml')).toBe(`steps:\r\n  - name: 'gcr.io/cloud-builders/docker:latest@${D}'  # builder\r\n`);
    expect(await read('.drone.yml')).toContain(`image: golang:1.22@${D}\n`);
    expect(await read('.woodpecker/test.yml')).toContain(`image: woodpeckerci/plugin-git:2.5@${D}\n`);

    // Scanned again, everything is pinned, and pinning once more changes nothing.
    const after = await discover({ cwd });
    expect(after.occurrences.every((occurrence) => occurrence.text.endsWith(D))).toBe(true);
    expect((await pinFiles(cwd, after.occurrences, () => D)).rewritten).toEqual([]);
  });
});
