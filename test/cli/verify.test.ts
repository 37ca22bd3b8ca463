import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadTestEnv, registryLog } from '../env/env.js';
import { cli, workspace } from './helpers.js';
import { pushOwnImage } from './own-images.js';

const env = loadTestEnv();
const host = env.registries.anonymous.host;
const log = registryLog('anonymous');
// Only this file uses these repositories, so what the registry logs for them is ours.
const REPOSITORIES = '/v2/verify-cli/';
const ownRequests = async () => (await log.requests()).filter((request) => request.path.startsWith(REPOSITORIES));
const digests: Record<string, string> = {};
/** The line of `reference`'s entry in the lockfile of `dir`. */
const lockfileLine = async (dir: string, reference: string) =>
  (await readFile(join(dir, 'image-lock.json'), 'utf8')).split('\n').findIndex((text) => text.includes(`"${reference}": {`)) + 1;

beforeAll(async () => {
  for (const [repo, tag] of [
    ['app', '1.0'],
    ['app', '2.0'],
    ['tool', '3.1']
  ] as const) {
    digests[`${repo}:${tag}`] = await pushOwnImage(`verify-cli/${repo}`, tag);
  }
});

const app1 = `${host}/verify-cli/app:1.0`;
const app2 = `${host}/verify-cli/app:2.0`;
const toolPinned = () => `${host}/verify-cli/tool:3.1@${digests['tool:3.1']}`;

describe('image-lock verify', () => {
  test('passes on an unchanged lockfile with one manifest HEAD per tag (pinned ones too), no GET, and changes no file', async () => {
    const dir = await workspace({
      Dockerfile: `FROM ${app1} AS build\nRUN make\nFROM ${toolPinned()}\nCOPY --from=build /out /out\n`,
      'deploy/compose.yaml': `services:\n  web:\n    image: "${app2}"\n  worker:\n    image: ${app1}\n`
    });
    expect((await cli(dir, 'lock')).code).toBe(0);
    const lockfile = await readFile(join(dir, 'image-lock.json'), 'utf8');
    await log.resetRequests();

    const result = await cli(dir, 'verify');
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toContain('Verified 3 images in image-lock.json');
    expect(result.stderr).not.toContain('error');
    const manifests = (await ownRequests()).map(({ method, path }) => `${method} ${path}`).sort();
    // The pinned reference's tag is looked at too, to tell whether it moved since the pin.
    expect(manifests).toEqual([
      'HEAD /v2/verify-cli/app/manifests/1.0',
      'HEAD /v2/verify-cli/app/manifests/2.0',
      'HEAD /v2/verify-cli/tool/manifests/3.1'
    ]);
    expect(await readFile(join(dir, 'image-lock.json'), 'utf8')).toBe(lockfile);
  });

  test('a reference added to a Dockerfile fails (exit 1), named on its line', async () => {
    const dir = await workspace({ Dockerfile: `FROM ${app1}\n` });
    await cli(dir, 'lock');
    await writeFile(join(dir, 'Dockerfile'), `FROM ${app1}\nCOPY --from=${app2} /bin/tool /bin/tool\n`);
    const result = await cli(dir, 'verify');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `Dockerfile:2: error: ${app2} is not in the lockfile image-lock.json; run \`image-lock lock\` to update it`
    );
  });

  test('a lockfile entry no longer used fails (exit 1), named on its line in the lockfile', async () => {
    const dir = await workspace({ Dockerfile: `FROM ${app1}\nFROM ${app2}\n` });
    await cli(dir, 'lock');
    await writeFile(join(dir, 'Dockerfile'), `FROM ${app1}\n`);
    const result = await cli(dir, 'verify');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `image-lock.json:${await lockfileLine(dir, app2)}: error: ${app2} is in image-lock.json but no longer used`
    );
    expect(result.stdout).toContain(`unused ${app2}`);
  });

  test('a reference now used in other files passes with a warning on its lockfile entry: lock would rewrite its sources', async () => {
    const dir = await workspace({ Dockerfile: `FROM ${app1}\n` });
    await cli(dir, 'lock');
    await writeFile(join(dir, 'compose.yaml'), `services:\n  web:\n    image: ${app1}\n`);
    const result = await cli(dir, 'verify');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      `image-lock.json:${await lockfileLine(dir, app1)}: warning: ${app1} is used in Dockerfile, compose.yaml, but image-lock.json lists Dockerfile`
    );
  });

  test('without a lockfile every reference is missing: exit 1, saying to run lock', async () => {
    const dir = await workspace({ Dockerfile: `FROM ${app1}\nFROM ${app2}\n` });
    const result = await cli(dir, 'verify', '--lockfile', 'locks/images.json');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'error: there is no lockfile locks/images.json, so 2 image references are not locked; run `image-lock lock` to write it'
    );
  });

  test('a given image is verified like a scanned one', async () => {
    const dir = await workspace();
    await cli(dir, 'lock', '--image', app1);
    expect((await cli(dir, 'verify', '--image', app1)).code).toBe(0);
    const result = await cli(dir, 'verify', '--image', app1, '--image', app2);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`error: ${app2} is not in the lockfile`);
  });

  test('drift: a tag pushed again after locking is a warning, an error or not looked at, as asked', async () => {
    const old = await pushOwnImage('verify-cli/drift', '1.0', 'first build');
    const dir = await workspace({ Dockerfile: `# base\nFROM ${host}/verify-cli/drift:1.0\n` });
    await cli(dir, 'lock');
    const current = await pushOwnImage('verify-cli/drift', '1.0', 'second build');
    const drifted = `${host}/verify-cli/drift:1.0 now points to ${current}, not the locked ${old}`;

    const warned = await cli(dir, 'verify');
    expect(warned.code).toBe(0);
    expect(warned.stderr).toContain(`Dockerfile:2: warning: ${drifted}`);
    expect(warned.stdout).toContain(`${current} (was ${old})`);
    const json = JSON.parse((await cli(dir, 'verify', '--json')).stdout);
    expect(json.images).toEqual([
      expect.objectContaining({ reference: `${host}/verify-cli/drift:1.0`, digest: current, previousDigest: old })
    ]);
    expect(json.requests).toEqual({ manifestGet: 0, manifestHead: 1, blobGet: 0 });

    const failed = await cli(dir, 'verify', '--drift', 'error');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`Dockerfile:2: error: ${drifted}`);

    await log.resetRequests();
    const ignored = await cli(dir, 'verify', '--drift', 'ignore', '--json');
    expect(ignored.code).toBe(0);
    expect(JSON.parse(ignored.stdout).requests).toEqual({ manifestGet: 0, manifestHead: 0, blobGet: 0 });
    expect(await ownRequests()).toEqual([]);
  });
});
