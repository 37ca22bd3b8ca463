import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { discover } from '../../src/discovery/discover.js';
import { pinFiles } from '../../src/pin/pin.js';
import { tempRepo } from '../discovery/temp-repo.js';

const digest = (seed: string) => `sha256:${seed.repeat(64)}`;
const D = digest('d');

const FILES = {
  'overlays/prod/kustomization.yaml': 'images:\r\n  - name: nginx\r\n    newTag: "1.27"  # prod\r\n  - {name: redis, newTag: "7.2"}\r\n',
  'chart/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 1.0.0\n',
  'chart/values.yaml':
    'image:\n  repository: acme/app\n  tag: 1.0\n  digest: ""\nworker:\n  image:\n    repository: acme/worker\n    tag: "2"\n',
  '.devcontainer/devcontainer.json': '{\n  // the base\n  "image": "mcr.microsoft.com/devcontainers/base:bookworm",\n}\n',
  'tools/action.yml': "runs:\n  using: docker\n  image: 'docker://alpine:3.20'\n",
  Containerfile: '#syntax=docker/dockerfile:1.7\nFROM alpine:3.20\n',
  'compose.yaml':
    'services:\n  app:\n    build:\n      context: .\n      additional_contexts:\n        - base=docker-image://alpine:3.20\n',
  'k8s/workflow.yaml':
    'apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nspec:\n  templates:\n    - name: main\n      container:\n        image: alpine:3.20\n'
};

describe('pin on every kind', () => {
  test('one-string references are rewritten in place; maps get their digest key', async () => {
    const cwd = await tempRepo(FILES);
    const { occurrences } = await discover({ cwd, files: ['**/*'], exclude: ['chart/Chart.yaml'] });
    const result = await pinFiles(cwd, occurrences, () => D);
    const read = (path: string) => readFile(join(cwd, path), 'utf8');
    expect(await read('overlays/prod/kustomization.yaml')).toBe(
      `images:\r\n  - name: nginx\r\n    newTag: "1.27"  # prod\r\n    digest: ${D}\r\n  - {name: redis, newTag: "7.2", digest: ${D}}\r\n`
    );
    expect(await read('chart/values.yaml')).toBe(
      `image:\n  repository: acme/app\n  tag: 1.0\n  digest: "${D}"\nworker:\n  image:\n    repository: acme/worker\n    tag: "2"\n`
    );
    expect(await read('.devcontainer/devcontainer.json')).toContain(`"image": "mcr.microsoft.com/devcontainers/base:bookworm@${D}",\n`);
    expect(await read('tools/action.yml')).toContain(`image: 'docker://alpine:3.20@${D}'`);
    expect(await read('Containerfile')).toBe(`#syntax=docker/dockerfile:1.7@${D}\nFROM alpine:3.20@${D}\n`);
    expect(await read('compose.yaml')).toContain(`- base=docker-image://alpine:3.20@${D}\n`);
    expect(await read('k8s/workflow.yaml')).toContain(`image: alpine:3.20@${D}\n`);
    expect(result.skipped).toEqual([
      {
        file: 'chart/values.yaml',
        line: 7,
        text: 'acme/worker:2',
        reason: expect.stringMatching(/^its image map has no digest key .*; pin it by hand as acme\/worker:2@sha256:d+$/)
      }
    ]);
    expect(result.rewritten.find((rewrite) => rewrite.file === 'chart/values.yaml')).toEqual({
      file: 'chart/values.yaml',
      line: 4,
      from: 'acme/app:1.0',
      to: `acme/app:1.0@${D}`
    });

    // Scanned again, every reference is pinned (the unpinnable one excepted), and a second pin changes nothing.
    const after = await discover({ cwd, files: ['**/*'], exclude: ['chart/Chart.yaml'] });
    expect(after.occurrences.filter((occurrence) => !occurrence.text.endsWith(D)).map((occurrence) => occurrence.text)).toEqual([
      'acme/worker:2'
    ]);
    expect((await pinFiles(cwd, after.occurrences, () => D)).rewritten).toEqual([]);
  });
});
