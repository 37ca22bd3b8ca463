// After a pull, what users run finds the image by the reference as they wrote it (tag,
// tag@digest, @digest; index or single-manifest digests), on both image stores, with the
// registry stopped where the store allows it. The registry sits behind a proxy the test
// stops; its own access log counts what the classic store's digest links ask of it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BlobStore } from '../../src/layout/blob-store.js';
import { IMAGE_STORES, dockerDaemon, stopDockerDaemon, type DockerDaemon } from '../env/docker-daemon.js';
import { loadTestEnv, registryLog } from '../env/env.js';
import { AMD64, ARM64, baseLayer } from '../env/fixtures.js';
import { buildImage, buildIndex, pushImage, pushIndex, type BuiltImage } from '../env/image.js';
import { tarLayer } from '../env/layers.js';
import type { LockEntry } from '../../src/lockfile/lockfile.js';
import { startBlobProxy, type BlobProxy } from './helpers/blob-proxy.js';
import { runPull } from './helpers/run-pull.js';
import { scratchDirs } from './helpers/scratch.js';

const scratch = scratchDirs();
const registry = loadTestEnv().registries.anonymous;

interface PinnedImages {
  proxy: BlobProxy;
  /** Lockfile key -> entry, every written form. */
  images: Record<string, LockEntry>;
  /** Lockfile key -> the image ID the daemon must give it, per store. */
  ids: Record<string, { classic: string; containerd: string }>;
  /** The pinned keys (with a digest). */
  pinned: string[];
  multiRepo: string;
  indexDigest: string;
}

/** A two-platform index and a single-manifest image in `repo/...`, locked in every written form, behind a fresh proxy. */
async function pinnedImages(repo: string): Promise<PinnedImages> {
  const base = await baseLayer();
  const image = async (platform: typeof AMD64, name: string): Promise<BuiltImage> =>
    buildImage({ platform, layers: [base, await tarLayer([{ name: `srv/${name}`, content: `${repo} ${name}\n` }])] });
  const [amd64, arm64, single] = await Promise.all([image(AMD64, 'amd64'), image(ARM64, 'arm64'), image(AMD64, 'single')]);
  const index = buildIndex('oci', [{ image: amd64 }, { image: arm64 }]);
  await pushIndex({ url: registry.url }, `${repo}/multi`, index, ['1.0']);
  await pushImage({ url: registry.url }, `${repo}/single`, single, ['1.0']);
  const proxy = await startBlobProxy({ target: registry.url });
  const host = proxy.url.replace('http://', '');
  const indexEntry: LockEntry = {
    digest: index.manifest.digest,
    mediaType: index.manifest.mediaType,
    platforms: { 'linux/amd64': amd64.manifest.digest, 'linux/arm64/v8': arm64.manifest.digest },
    sources: []
  };
  const singleEntry: LockEntry = {
    digest: single.manifest.digest,
    mediaType: single.manifest.mediaType,
    platforms: { 'linux/amd64': single.manifest.digest },
    sources: []
  };
  const multi = `${host}/${repo}/multi`;
  const one = `${host}/${repo}/single`;
  const images = {
    [`${multi}:1.0`]: indexEntry,
    [`${multi}:1.0@${index.manifest.digest}`]: indexEntry,
    [`${multi}@${index.manifest.digest}`]: indexEntry,
    [`${one}:1.0`]: singleEntry,
    [`${one}:1.0@${single.manifest.digest}`]: singleEntry,
    [`${one}@${single.manifest.digest}`]: singleEntry
  };
  const ids = Object.fromEntries(
    Object.keys(images).map((key) => [
      key,
      key.startsWith(multi)
        ? { classic: amd64.config.digest, containerd: index.manifest.digest }
        : { classic: single.config.digest, containerd: single.manifest.digest }
    ])
  );
  return {
    proxy,
    images,
    ids,
    pinned: Object.keys(images).filter((key) => key.includes('@')),
    multiRepo: multi,
    indexDigest: index.manifest.digest
  };
}

describe.each(IMAGE_STORES)('pinned references after a pull, %s image store', (store) => {
  let daemon: DockerDaemon;
  const log = registryLog('anonymous');
  const idOf = async (name: string) => (await daemon.docker(['image', 'inspect', '--format', '{{.Id}}', name])).stdout.toString().trim();

  beforeAll(async () => {
    daemon = await dockerDaemon(store);
  }, 90_000);
  afterAll(() => stopDockerDaemon(), 30_000);

  it('every written form resolves and runs with the registry stopped; a second pull asks nothing', async () => {
    const pinned = await pinnedImages(`pinned-${store}`);
    const blobs = await BlobStore.open(scratch('pull-store'));
    // The store filled first, so that what the daemon pull asks of the registry is all there is.
    await runPull({ images: pinned.images, store: blobs });
    await log.resetRequests();
    const { result } = await runPull({ images: pinned.images, store: blobs, dockerEnv: daemon.env });
    const requests = (await log.requests()).filter((request) => request.path.includes(`/pinned-${store}/`));
    expect(result.imageStore).toBe(store);
    if (store === 'classic') {
      // One daemon pull per repository and digest; manifests only, no blob.
      expect(result.digestLinks).toMatchObject({ linked: [...pinned.pinned].sort(), unlinked: [], pulls: 2 });
      expect(requests.length).toBeGreaterThan(0);
      expect(requests.filter((request) => !/\/manifests\/sha256:/.test(request.path))).toEqual([]);
      expect(requests.every((request) => request.method === 'GET' || request.method === 'HEAD')).toBe(true);
    } else {
      expect(result.digestLinks).toBeUndefined();
      expect(requests).toEqual([]);
    }

    await pinned.proxy.stop();
    for (const [key, id] of Object.entries(pinned.ids)) {
      expect([key, await idOf(key)]).toEqual([key, id[store]]);
      const created = await daemon.docker(['create', key, '/bin/true']);
      expect([key, created.code, created.stderr]).toEqual([key, 0, '']);
    }
    const listed = (await daemon.docker(['image', 'ls', '--digests', '--format', '{{.Repository}}@{{.Digest}}'])).stdout.toString();
    expect(listed.split('\n')).toContain(`${pinned.multiRepo}@${pinned.indexDigest}`);

    const again = await runPull({ images: pinned.images, store: blobs, dockerEnv: daemon.env });
    expect(again.result.images.map((image) => image.daemon)).toEqual(Object.keys(pinned.images).map(() => 'present'));
    if (store === 'classic') expect(again.result.digestLinks).toMatchObject({ linked: [], unlinked: [], pulls: 0 });
  }, 120_000);

  it.each(['classic builder', 'BuildKit'])(
    'docker build (%s) of a pinned FROM, the registry stopped',
    async (builder) => {
      const pinned = await pinnedImages(`pinned-build-${store}-${builder === 'BuildKit' ? 'bk' : 'cl'}`);
      await runPull({ images: pinned.images, store: await BlobStore.open(scratch('pull-store')), dockerEnv: daemon.env });
      await pinned.proxy.stop();
      const context = scratch('build');
      writeFileSync(join(context, 'Dockerfile'), `FROM ${pinned.multiRepo}:1.0@${pinned.indexDigest}\nLABEL built=by-test\n`);
      const built = await daemon.docker(['build', '--quiet', context], { env: { DOCKER_BUILDKIT: builder === 'BuildKit' ? '1' : '0' } });
      expect([built.code, built.stderr.split('\n').filter((line) => /error/i.test(line))]).toEqual([0, []]);
    },
    120_000
  );
});
