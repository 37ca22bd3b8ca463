import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadTestEnv, registryLog } from '../env/env.js';
import { cli, cliAt, workspace } from './helpers.js';
import { pushRelease, twoPlatforms } from './releases.js';
import { AMD64 } from '../env/fixtures.js';

const env = loadTestEnv();
const host = env.registries.anonymous.host;
const log = registryLog('anonymous');
// Only this file uses these repositories, so what the registry logs for them is ours.
const ownRequests = async (repo: string) =>
  (await log.requests())
    .filter((request) => request.path.startsWith(`/v2/platform-pins/${repo}/`))
    .map(({ method, path }) => `${method} ${path}`);
const lockfileOf = async (dir: string): Promise<{ images: Record<string, unknown> }> =>
  JSON.parse(await readFile(join(dir, 'image-lock.json'), 'utf8')) as { images: Record<string, unknown> };

describe('a pin to one platform of its tag (name:tag@<linux/amd64 manifest>)', () => {
  test('lock records the platform; an unchanged tag rewrites nothing; a tag moved for other platforms only is not a move', async () => {
    const tag = `${host}/platform-pins/web:1.0`;
    const first = await pushRelease('platform-pins/web', '1.0', twoPlatforms('web amd64 a', 'web arm64 a'));
    const amd64 = first.platforms['linux/amd64'];
    const pinned = `${tag}@${amd64}`;
    const dir = await workspace({ Dockerfile: `FROM ${pinned}\n` });
    await log.resetRequests();
    expect((await cliAt('2026-03-01', dir, 'lock')).code).toBe(0);
    // The pinned manifest and its config, then one HEAD of the tag and a GET of its index.
    expect((await ownRequests('web')).filter((request) => request.includes('/manifests/')).sort()).toEqual(
      [
        `GET /v2/platform-pins/web/manifests/${amd64}`,
        'HEAD /v2/platform-pins/web/manifests/1.0',
        `GET /v2/platform-pins/web/manifests/${first.digest}`
      ].sort()
    );
    expect((await lockfileOf(dir)).images[pinned]).toEqual({
      digest: amd64,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      platforms: { 'linux/amd64': amd64 },
      platform: 'linux/amd64',
      firstSeen: '2026-03-01',
      sources: ['Dockerfile']
    });
    const locked = await readFile(join(dir, 'image-lock.json'), 'utf8');

    await log.resetRequests();
    const still = await cli(dir, 'update', '--json');
    expect(still.code).toBe(0);
    expect(JSON.parse(still.stdout)).toMatchObject({ updated: [], skipped: [], unchanged: [pinned], changed: false });
    expect(await ownRequests('web')).toEqual([
      'HEAD /v2/platform-pins/web/manifests/1.0',
      `GET /v2/platform-pins/web/manifests/${first.digest}`
    ]);
    expect(await readFile(join(dir, 'Dockerfile'), 'utf8')).toBe(`FROM ${pinned}\n`);
    expect(await readFile(join(dir, 'image-lock.json'), 'utf8')).toBe(locked);
    expect((await cli(dir, 'verify', '--drift', 'error')).code).toBe(0);

    // arm64 rebuilt; amd64 the same manifest: the pin has not moved.
    await pushRelease('platform-pins/web', '1.0', twoPlatforms('web amd64 a', 'web arm64 b'));
    expect((await cli(dir, 'verify', '--drift', 'error')).code).toBe(0);
    const armOnly = JSON.parse((await cli(dir, 'update', '--json')).stdout);
    expect(armOnly).toMatchObject({ updated: [], skipped: [], unchanged: [pinned], changed: false });
    expect(await readFile(join(dir, 'image-lock.json'), 'utf8')).toBe(locked);
  });

  test('a moved tag moves the pin to the new manifest of the same platform, and verify --drift says that platform moved', async () => {
    const tag = `${host}/platform-pins/api:2`;
    const first = await pushRelease('platform-pins/api', '2', twoPlatforms('api amd64 a', 'api arm64 a'));
    const pinned = `${tag}@${first.platforms['linux/amd64']}`;
    const dir = await workspace({ Dockerfile: `FROM ${pinned} AS base\n` });
    expect((await cli(dir, 'lock')).code).toBe(0);

    const second = await pushRelease('platform-pins/api', '2', twoPlatforms('api amd64 b', 'api arm64 a'));
    const next = second.platforms['linux/amd64'];
    const drift = await cli(dir, 'verify', '--drift', 'error');
    expect(drift.code).toBe(1);
    expect(drift.stderr).toContain(
      `Dockerfile:1: error: ${pinned}: tag moved for linux/amd64 since this pin: run image-lock update (${tag} now points to ${next} for linux/amd64)`
    );

    const result = await cliAt('2026-03-02', dir, 'update', '--json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.updated).toEqual([
      expect.objectContaining({
        reference: tag,
        from: first.platforms['linux/amd64'],
        to: next,
        platform: 'linux/amd64',
        platforms: [expect.objectContaining({ platform: 'linux/amd64', status: 'changed', from: first.platforms['linux/amd64'], to: next })]
      })
    ]);
    expect(await readFile(join(dir, 'Dockerfile'), 'utf8')).toBe(`FROM ${tag}@${next} AS base\n`);
    expect((await lockfileOf(dir)).images).toEqual({
      [`${tag}@${next}`]: {
        digest: next,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        platforms: { 'linux/amd64': next },
        platform: 'linux/amd64',
        firstSeen: '2026-03-02',
        sources: ['Dockerfile']
      }
    });
    expect((await cli(dir, 'verify', '--drift', 'error')).code).toBe(0);
    expect((await cli(dir, 'update')).stdout).toContain('Updated 0 images, 0 left for now, 1 unchanged');
  });

  test('without a lockfile, a pin found in the index is unchanged, and one to a manifest of a moved tag follows its platform', async () => {
    const tag = `${host}/platform-pins/bare:3`;
    const first = await pushRelease('platform-pins/bare', '3', twoPlatforms('bare amd64 a', 'bare arm64 a'));
    const pinned = `${tag}@${first.platforms['linux/arm64/v8']}`;
    const dir = await workspace({ Dockerfile: `FROM ${pinned}\n` });
    const still = JSON.parse((await cli(dir, 'update', '--json')).stdout);
    expect(still).toMatchObject({ updated: [], unchanged: [pinned], changed: false });

    const second = await pushRelease('platform-pins/bare', '3', twoPlatforms('bare amd64 b', 'bare arm64 b'));
    const moved = JSON.parse((await cli(dir, 'update', '--json')).stdout);
    expect(moved.updated).toEqual([expect.objectContaining({ to: second.platforms['linux/arm64/v8'], platform: 'linux/arm64/v8' })]);
    expect(await readFile(join(dir, 'Dockerfile'), 'utf8')).toBe(`FROM ${tag}@${second.platforms['linux/arm64/v8']}\n`);
  });

  test('a platform gone from the new index is a finding: the pin is kept, never replaced by the index digest', async () => {
    const tag = `${host}/platform-pins/arm:1`;
    const first = await pushRelease('platform-pins/arm', '1', twoPlatforms('arm amd64 a', 'arm arm64 a'));
    const pinned = `${tag}@${first.platforms['linux/arm64/v8']}`;
    const dir = await workspace({ Dockerfile: `FROM ${pinned}\n` });
    expect((await cli(dir, 'lock')).code).toBe(0);
    const lockfile = await readFile(join(dir, 'image-lock.json'), 'utf8');
    const amdOnly = await pushRelease('platform-pins/arm', '1', [{ platform: AMD64, content: 'arm amd64 b' }]);

    const result = await cli(dir, 'update', '--json');
    expect(result.code).toBe(0);
    const gone = `linux/arm64/v8 is no longer in ${tag}'s index (it now points to ${amdOnly.digest}); the pin is kept`;
    expect(JSON.parse(result.stdout)).toMatchObject({ updated: [], kept: [{ reference: pinned, reason: gone }], changed: false });
    expect(result.stderr).toContain(`Dockerfile:1: warning: ${gone}`);
    expect(await readFile(join(dir, 'Dockerfile'), 'utf8')).toBe(`FROM ${pinned}\n`);
    expect(await readFile(join(dir, 'image-lock.json'), 'utf8')).toBe(lockfile);
    const drift = await cli(dir, 'verify');
    expect(drift.code).toBe(0);
    expect(drift.stderr).toContain(`Dockerfile:1: warning: ${pinned}: linux/arm64/v8 is no longer in ${tag}'s index`);
  });
});

test('a tag deleted upstream: reported on its line, its pin kept, the other pins updated; verify --drift reports it', async () => {
  const kept = await pushRelease('platform-pins/gone', 'stays', twoPlatforms('gone a', 'gone a'));
  // A tag the registry does not have (404 on its HEAD), pinned to a digest it still serves.
  const gonePin = `${host}/platform-pins/gone:removed@${kept.digest}`;
  const first = await pushRelease('platform-pins/moving', '1', twoPlatforms('moving a', 'moving a'));
  const moving = `${host}/platform-pins/moving:1`;
  const dir = await workspace({ Dockerfile: `FROM ${moving}@${first.digest}\nFROM ${gonePin}\n` });
  expect((await cli(dir, 'lock')).code).toBe(0);
  const second = await pushRelease('platform-pins/moving', '1', twoPlatforms('moving b', 'moving b'));

  const result = await cli(dir, 'update', '--json');
  expect(result.code).toBe(0);
  const message = `tag ${host}/platform-pins/gone:removed no longer exists; the pin still works while the digest does`;
  const report = JSON.parse(result.stdout);
  expect(report.updated).toEqual([expect.objectContaining({ reference: moving, to: second.digest })]);
  expect(report.kept).toEqual([{ reference: gonePin, reason: message }]);
  expect(result.stderr).toContain(`Dockerfile:2: warning: ${message}`);
  expect(await readFile(join(dir, 'Dockerfile'), 'utf8')).toBe(`FROM ${moving}@${second.digest}\nFROM ${gonePin}\n`);
  expect(Object.keys((await lockfileOf(dir)).images).sort()).toEqual([`${moving}@${second.digest}`, gonePin].sort());

  const drift = await cli(dir, 'verify', '--drift', 'error');
  expect(drift.code).toBe(1);
  expect(drift.stderr).toContain(`Dockerfile:2: error: ${message}`);
});

describe('updates only for the platforms used here', () => {
  test('a lock made with --platform: a tag moved only for other platforms is reported and not rewritten; a move of ours is taken', async () => {
    const tag = `${host}/platform-pins/used:1`;
    const first = await pushRelease('platform-pins/used', '1', twoPlatforms('used amd64 a', 'used arm64 a'));
    const pinned = `${tag}@${first.digest}`;
    const dir = await workspace({ Dockerfile: `FROM ${pinned}\n` });
    expect((await cli(dir, 'lock', '--platform', 'linux/amd64')).code).toBe(0);
    const lockfile = await readFile(join(dir, 'image-lock.json'), 'utf8');

    const armOnly = await pushRelease('platform-pins/used', '1', twoPlatforms('used amd64 a', 'used arm64 b'));
    const result = await cli(dir, 'update', '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      updated: [],
      changed: false,
      skipped: [
        {
          reference: tag,
          to: armOnly.digest,
          status: 'not-used',
          platforms: [
            expect.objectContaining({ platform: 'linux/amd64', status: 'unchanged' }),
            expect.objectContaining({ platform: 'linux/arm64/v8', status: 'added' })
          ]
        }
      ]
    });
    expect((await cli(dir, 'update')).stdout).toContain(
      `left ${tag} at ${first.digest}, not taking ${armOnly.digest}: moved for platforms not used here`
    );
    expect(await readFile(join(dir, 'Dockerfile'), 'utf8')).toBe(`FROM ${pinned}\n`);
    expect(await readFile(join(dir, 'image-lock.json'), 'utf8')).toBe(lockfile);

    const ours = await pushRelease('platform-pins/used', '1', twoPlatforms('used amd64 b', 'used arm64 b'));
    const taken = JSON.parse((await cli(dir, 'update', '--json')).stdout);
    expect(taken.updated).toEqual([expect.objectContaining({ to: ours.digest, status: 'updated' })]);
    expect(await readFile(join(dir, 'Dockerfile'), 'utf8')).toBe(`FROM ${tag}@${ours.digest}\n`);
  });

  test('--platform without a lockfile: matched as containerd does (linux/arm64 is linux/arm64/v8)', async () => {
    const tag = `${host}/platform-pins/flag:1`;
    const first = await pushRelease('platform-pins/flag', '1', twoPlatforms('flag amd64 a', 'flag arm64 a'));
    const dir = await workspace({ Dockerfile: `FROM ${tag}@${first.digest}\n` });
    const amdMoved = await pushRelease('platform-pins/flag', '1', twoPlatforms('flag amd64 b', 'flag arm64 a'));
    const skipped = JSON.parse((await cli(dir, 'update', '--platform', 'linux/arm64', '--json')).stdout);
    expect(skipped.skipped).toEqual([expect.objectContaining({ to: amdMoved.digest, status: 'not-used' })]);
    expect(await readFile(join(dir, 'Dockerfile'), 'utf8')).toBe(`FROM ${tag}@${first.digest}\n`);
    const taken = JSON.parse((await cli(dir, 'update', '--platform', 'linux/amd64', '--json')).stdout);
    expect(taken.updated).toEqual([expect.objectContaining({ to: amdMoved.digest })]);
  });
});
