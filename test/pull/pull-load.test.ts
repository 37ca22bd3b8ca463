import { DockerDaemon as Daemon } from '../../src/daemon/docker-daemon.js';
import { InputError } from '../../src/errors.js';
import { BlobStore } from '../../src/layout/blob-store.js';
import { IMAGE_STORES, dockerDaemon, stopDockerDaemon, type DockerDaemon } from '../env/docker-daemon.js';
import { loadTestEnv } from '../env/env.js';
import { lockEntryOf } from './helpers/locked-images.js';
import { runPull } from './helpers/run-pull.js';
import { scratchDirs } from './helpers/scratch.js';

const scratch = scratchDirs();

const env = loadTestEnv();
const registry = env.registries.anonymous.host;
const fixture = (name: string) => env.fixtures.images[name];
const amd64 = (name: string) => fixture(name).platforms['linux/amd64'];

/** The distinct blobs of the images' amd64 manifests, with the indexes they are locked by. */
function blobsOf(...names: string[]) {
  const platforms = names.map(amd64);
  const distinct = (digests: string[]) => [...new Set(digests)];
  return {
    manifests: distinct([...platforms.map((p) => p.manifestDigest), ...names.map((name) => fixture(name).digest)]),
    configs: distinct(platforms.map((p) => p.configDigest)),
    layers: distinct(platforms.flatMap((p) => p.layers.map((layer) => layer.digest)))
  };
}

describe.each(IMAGE_STORES)('pullImages into a Docker daemon, %s image store', (imageStore) => {
  let daemon: DockerDaemon;
  const imageId = async (name: string) => (await daemon.docker(['image', 'inspect', '--format', '{{.Id}}', name])).stdout.toString().trim();
  /** The classic store's image ID is the config digest, the containerd store's the locked target's (index or manifest). */
  const expectedId = (name: string) => (imageStore === 'classic' ? amd64(name).configDigest : fixture(name).digest);

  beforeAll(async () => {
    daemon = await dockerDaemon(imageStore);
  }, 90_000);
  afterAll(() => stopDockerDaemon(), 30_000);

  it("asks a local daemon's socket for its status, without a docker CLI run (its plugin scan costs 0.1-0.2 s)", async () => {
    const withoutCli = new Daemon({ env: daemon.env, command: '/bin/false' });
    expect(await withoutCli.status()).toMatchObject({ ready: true, classicStore: imageStore === 'classic' });
  });

  it('loads each locked reference under its name with the expected image ID, and skips it the next time', async () => {
    const store = await BlobStore.open(scratch('pull-store'));
    const images = {
      [`${registry}/multi/app:1.0`]: lockEntryOf(fixture('multi/app:1.0')),
      [`${registry}/docker/v2:1.0`]: lockEntryOf(fixture('docker/v2:1.0')),
      'docker.io/library/nginx:1.25': lockEntryOf(fixture('library/nginx:1.25'))
    };
    const first = await runPull({ images, store, dockerEnv: daemon.env });

    expect(await imageId(`${registry}/multi/app:1.0`)).toBe(expectedId('multi/app:1.0'));
    expect(await imageId(`${registry}/docker/v2:1.0`)).toBe(expectedId('docker/v2:1.0'));
    // Docker Hub images get the familiar name, as `docker pull nginx:1.25` gives them.
    expect(await imageId('nginx:1.25')).toBe(expectedId('library/nginx:1.25'));
    expect(first.result.images.map((image) => [image.reference, image.cache, image.daemon])).toEqual([
      [`${registry}/docker/v2:1.0`, 'miss', 'loaded'],
      [`${registry}/multi/app:1.0`, 'miss', 'loaded'],
      ['docker.io/library/nginx:1.25', 'miss', 'loaded']
    ]);
    // The base layer the three share is fetched once; manifests (and the indexes locked) come by digest.
    const blobs = blobsOf('multi/app:1.0', 'docker/v2:1.0', 'library/nginx:1.25');
    expect(blobs.layers.length).toBe(4);
    expect(first.counts).toEqual({
      manifestGet: blobs.manifests.length,
      manifestHead: 0,
      blobGet: blobs.configs.length + blobs.layers.length
    });
    expect(first.result.cache).toBe('miss');
    expect(first.result.bytesFromCache).toBe(0);
    expect(first.result.blobs).toEqual([...blobs.manifests, ...blobs.configs, ...blobs.layers].sort());

    const second = await runPull({ images, store, dockerEnv: daemon.env });
    expect(second.counts).toEqual({ manifestGet: 0, manifestHead: 0, blobGet: 0 });
    expect(second.result.cache).toBe('hit');
    expect(second.result.bytesFromRegistry).toBe(0);
    expect(second.result.bytesFromCache).toBe(first.result.bytesFromRegistry);
    expect(second.result.images.map((image) => [image.cache, image.daemon])).toEqual([
      ['hit', 'present'],
      ['hit', 'present'],
      ['hit', 'present']
    ]);
  });

  it('names one image by every reference locked to it, and only tags it when a name is missing', async () => {
    const store = await BlobStore.open(scratch('pull-store'));
    const images = {
      [`${registry}/library/busybox:latest`]: lockEntryOf(fixture('library/busybox:latest')),
      [`${registry}/library/busybox:stable`]: lockEntryOf(fixture('library/busybox:latest'))
    };
    const first = await runPull({ images, store, dockerEnv: daemon.env });
    expect(first.result.images.map((image) => image.daemon)).toEqual(['loaded', 'loaded']);
    const id = expectedId('library/busybox:latest');
    expect(await imageId(`${registry}/library/busybox:stable`)).toBe(id);

    await daemon.docker(['rmi', `${registry}/library/busybox:stable`]);
    const second = await runPull({ images, store, dockerEnv: daemon.env });
    expect(second.result.images.map((image) => image.daemon)).toEqual(['tagged', 'tagged']);
    expect(await imageId(`${registry}/library/busybox:stable`)).toBe(id);
  });
});

describe('pullImages without loading', () => {
  it("picks the platform's manifest the way containerd matches platforms", async () => {
    const store = await BlobStore.open(scratch('pull-store'));
    const images = { [`${registry}/multi/app:1.0`]: lockEntryOf(fixture('multi/app:1.0')) };
    const { result } = await runPull({ images, store, platform: { os: 'linux', architecture: 'arm64' } });
    const arm64 = fixture('multi/app:1.0').platforms['linux/arm64/v8'];
    expect(result.images[0]).toMatchObject({
      platform: 'linux/arm64/v8',
      manifestDigest: arm64.manifestDigest,
      configDigest: arm64.configDigest,
      daemon: 'skipped'
    });
  });

  it('refuses a platform the lockfile does not hold, before fetching anything', async () => {
    const store = await BlobStore.open(scratch('pull-store'));
    const images = { [`${registry}/multi/app:1.0`]: lockEntryOf(fixture('multi/app:1.0')) };
    const pull = runPull({ images, store, platform: { os: 'linux', architecture: 's390x' } });
    await expect(pull).rejects.toThrow(InputError);
    await expect(pull).rejects.toThrow(/not locked for linux\/s390x \(locked: linux\/amd64, linux\/arm64\/v8, linux\/arm\/v7\)/);
    expect(await store.list()).toEqual([]);
  });

  it('without a daemon that answers, fills the store and says why nothing was loaded', async () => {
    const store = await BlobStore.open(scratch('pull-store'));
    const images = { [`${registry}/single/oci:1.0`]: lockEntryOf(fixture('single/oci:1.0')) };
    const { result } = await runPull({ images, store, dockerEnv: { ...process.env, DOCKER_HOST: 'unix:///nonexistent/docker.sock' } });
    expect(result.loadSkipped).toMatch(/no Docker daemon answers/);
    expect(result.images[0].daemon).toBe('skipped');
    expect((await store.list()).sort()).toEqual(result.blobs);
    for (const digest of result.blobs) expect(await store.verify(digest)).toBe('valid');
  });

  it('keeps exactly the blobs the pulled images use when the store is pruned', async () => {
    const store = await BlobStore.open(scratch('pull-store'));
    const { result: old } = await runPull({
      images: { [`${registry}/team/sub/deep/app:2.1`]: lockEntryOf(fixture('team/sub/deep/app:2.1')) },
      store
    });
    const { result } = await runPull({ images: { [`${registry}/single/oci:1.0`]: lockEntryOf(fixture('single/oci:1.0')) }, store });
    const pruned = await store.prune(result.blobs);
    // The base layer is shared, so it stays.
    expect(pruned.removed.sort()).toEqual(old.blobs.filter((digest) => !result.blobs.includes(digest)));
    expect((await store.list()).sort()).toEqual(result.blobs);
  });
});
