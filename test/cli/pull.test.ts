import { join } from 'node:path';
import { defaultCacheDir } from '../../src/cli/pull.js';
import { formatProgress } from '../../src/commands/pull-format.js';
import type { PullReport } from '../../src/commands/pull.js';
import { serializeLockfile, type LockEntry } from '../../src/lockfile/lockfile.js';
import { IMAGE_STORES, dockerDaemon, stopDockerDaemon, type DockerDaemon } from '../env/docker-daemon.js';
import { loadTestEnv } from '../env/env.js';
import { lockEntryOf } from '../pull/helpers/locked-images.js';
import { scratchDirs } from '../pull/helpers/scratch.js';
import { cli, workspace } from './helpers.js';

const scratch = scratchDirs();
const env = loadTestEnv();
const host = env.registries.anonymous.host;
const fixture = (name: string) => env.fixtures.images[name];
const amd64 = (name: string) => fixture(name).platforms['linux/amd64'];

/** A workspace whose lockfile locks `images` (reference -> fixture name). */
const lockedWorkspace = (images: Record<string, LockEntry>) =>
  workspace({ 'image-lock.json': serializeLockfile({ lockfileVersion: 1, images }) });

const TWO_IMAGES = {
  [`${host}/single/oci:1.0`]: lockEntryOf(fixture('single/oci:1.0')),
  [`${host}/multi/app:1.0`]: lockEntryOf(fixture('multi/app:1.0'))
};

describe.each(IMAGE_STORES)('image-lock pull, %s image store', (imageStore) => {
  let daemon: DockerDaemon;
  const imageId = async (name: string) => (await daemon.docker(['image', 'inspect', '--format', '{{.Id}}', name])).stdout.toString().trim();
  /** The classic store's image ID is the config digest, the containerd store's the locked target's. */
  const expectedId = (name: string) => (imageStore === 'classic' ? amd64(name).configDigest : fixture(name).digest);
  const savedEnv = { DOCKER_HOST: process.env.DOCKER_HOST, DOCKER_CONFIG: process.env.DOCKER_CONFIG, PATH: process.env.PATH };

  beforeAll(async () => {
    daemon = await dockerDaemon(imageStore);
    // The CLI runs in-process and reaches the daemon the way `docker` does, with the daemon's own CLI.
    Object.assign(process.env, { DOCKER_HOST: daemon.env.DOCKER_HOST, DOCKER_CONFIG: daemon.env.DOCKER_CONFIG, PATH: daemon.env.PATH });
  }, 90_000);
  afterAll(async () => {
    Object.assign(process.env, savedEnv);
    await stopDockerDaemon();
  }, 30_000);

  test('fills the cache and loads each image under its name; the next run is a hit from the cache alone', async () => {
    const dir = await lockedWorkspace(TWO_IMAGES);
    const cacheDir = scratch('cli-pull');
    const first = await cli(dir, 'pull', '--cache-dir', cacheDir, '--platform', 'linux/amd64');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Pulled 2 images for linux\/amd64 \(cache miss, store .*cli-pull-.*\)$/m);
    expect(first.stdout).toMatch(
      new RegExp(`^  ${host}/multi/app:1.0 +miss +0 B from cache, [\\d.]+ kB from registries, fetch \\d+ ms, loaded$`, 'm')
    );
    expect(first.stdout).toMatch(/^Total: 0 B from cache, [\d.]+ kB from registries; fetch \d+ ms, load [\d.]+ m?s$/m);
    expect(await imageId(`${host}/single/oci:1.0`)).toBe(expectedId('single/oci:1.0'));
    expect(await imageId(`${host}/multi/app:1.0`)).toBe(expectedId('multi/app:1.0'));

    await daemon.docker(['rmi', `${host}/single/oci:1.0`, `${host}/multi/app:1.0`]);
    const second = await cli(dir, 'pull', '--cache-dir', cacheDir, '--json');
    expect(second.code).toBe(0);
    const report = JSON.parse(second.stdout) as PullReport;
    expect(report).toMatchObject({ cache: 'hit', bytesFromRegistry: 0, platform: 'linux/amd64', cacheDir, lockfile: 'image-lock.json' });
    expect(report.images.map((image) => [image.reference, image.cache, image.daemon])).toEqual([
      [`${host}/multi/app:1.0`, 'hit', 'loaded'],
      [`${host}/single/oci:1.0`, 'hit', 'loaded']
    ]);
    expect(await imageId(`${host}/multi/app:1.0`)).toBe(expectedId('multi/app:1.0'));
  });

  test('--no-load only fills the cache, for the platform asked for', async () => {
    const dir = await lockedWorkspace({ [`${host}/multi/app:1.0`]: lockEntryOf(fixture('multi/app:1.0')) });
    const cacheDir = scratch('cli-pull');
    const run = await cli(dir, 'pull', '--no-load', '--cache-dir', cacheDir, '--platform', 'linux/arm64', '--json');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as PullReport;
    expect(report.platform).toBe('linux/arm64');
    expect(report.images[0]).toMatchObject({ platform: 'linux/arm64/v8', daemon: 'skipped', cache: 'miss' });
    expect(report.blobs).toContain(fixture('multi/app:1.0').platforms['linux/arm64/v8'].configDigest);
  });

  test('exit 2 for bad input: no lockfile, a platform it does not lock, two platforms', async () => {
    const cacheDir = scratch('cli-pull');
    const empty = await cli(await workspace(), 'pull', '--cache-dir', cacheDir);
    expect(empty).toMatchObject({ code: 2, stderr: 'image-lock: no lockfile at image-lock.json: run image-lock lock first\n' });
    const dir = await lockedWorkspace(TWO_IMAGES);
    const s390x = await cli(dir, 'pull', '--cache-dir', cacheDir, '--platform', 'linux/s390x');
    expect(s390x.code).toBe(2);
    expect(s390x.stderr).toContain(`${host}/multi/app:1.0 is not locked for linux/s390x`);
    expect((await cli(dir, 'pull', '--platform', 'linux/amd64', '--platform', 'linux/arm64')).code).toBe(2);
  });

  test('exit 3 when a registry cannot be reached, or no daemon answers (after filling the cache)', async () => {
    const cacheDir = scratch('cli-pull');
    const gone = await lockedWorkspace({ '127.0.0.1:9/nothing/here:1': lockEntryOf(fixture('single/oci:1.0')) });
    const unreachable = await cli(gone, 'pull', '--no-load', '--cache-dir', cacheDir);
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toMatch(
      /manifest of 127.0.0.1:9\/nothing\/here:1 sha256:[a-f0-9]{64} is not in the cache and could not be fetched: cannot reach/
    );

    process.env.DOCKER_HOST = 'unix:///nonexistent/docker.sock';
    try {
      const dir = await lockedWorkspace({ [`${host}/single/oci:1.0`]: lockEntryOf(fixture('single/oci:1.0')) });
      const run = await cli(dir, 'pull', '--cache-dir', cacheDir, '--json');
      expect(run.code).toBe(3);
      // One JSON document still, saying why nothing was loaded.
      expect(JSON.parse(run.stdout)).toMatchObject({ loadSkipped: expect.stringMatching(/no Docker daemon answers/) });
      expect(run.stderr).toMatch(/were not loaded: no Docker daemon answers.*\(pass --no-load to only fill the cache\)/);
    } finally {
      process.env.DOCKER_HOST = daemon.env.DOCKER_HOST;
    }
  });
});

describe('pull output', () => {
  test('the cache lives where other tools keep theirs', () => {
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/var/cache/me' })).toBe('/var/cache/me/image-lock');
    expect(defaultCacheDir({})).toMatch(/\/\.cache\/image-lock$/);
    expect(join(defaultCacheDir({ XDG_CACHE_HOME: '' }), '..')).toMatch(/\.cache$/);
  });

  test('a progress line gives bytes, total and rate', () => {
    expect(formatProgress({ bytes: 52_400_000, totalBytes: 310_000_000, bytesPerSecond: 41_000_000, elapsedMs: 1300 })).toBe(
      'pull: 52.4 MB of 310.0 MB from registries, 41.0 MB/s'
    );
  });
});
