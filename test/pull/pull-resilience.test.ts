import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RegistryError } from '../../src/errors.js';
import { BlobStore } from '../../src/layout/blob-store.js';
import type { PullProgress } from '../../src/pull/progress.js';
import { IMAGE_STORES, dockerDaemon, stopDockerDaemon, type DockerDaemon } from '../env/docker-daemon.js';
import { loadTestEnv } from '../env/env.js';
import { baseLayer } from '../env/fixtures.js';
import { randomLayer, tarLayer, type Layer } from '../env/layers.js';
import { startBlobProxy, type BlobProxy } from './helpers/blob-proxy.js';
import { pushTestImage, type PushedImage } from './helpers/locked-images.js';
import { runPull } from './helpers/run-pull.js';
import { scratchDirs } from './helpers/scratch.js';

const scratch = scratchDirs();

const registry = loadTestEnv().registries.anonymous;
const BIG = 24 * 1024 * 1024;

/** Flips one byte of a stored blob, as a damaged cache would. */
function flipByte(store: BlobStore, digest: string, at: number): void {
  const bytes = readFileSync(store.path(digest));
  bytes[at] ^= 0xff;
  writeFileSync(store.path(digest), bytes);
}

describe('pullImages when things go wrong', () => {
  let big: PushedImage;
  let bigLayer: Layer;
  let small: PushedImage[];
  let proxies: BlobProxy[] = [];
  const imageId = async (daemon: DockerDaemon, name: string) =>
    (await daemon.docker(['image', 'inspect', '--format', '{{.Id}}', name])).stdout.toString().trim();

  /** The image `repo:tag` as a lockfile holds it, with its requests going through `proxy`. */
  const locked = (repo: string, image: PushedImage) => ({ [`${registry.host}/${repo}`]: image.entry });
  const through = (proxy: BlobProxy) => ({ [registry.host]: proxy.url });
  const proxy = async (options: Parameters<typeof startBlobProxy>[0]) => {
    const started = await startBlobProxy(options);
    proxies.push(started);
    return started;
  };

  beforeAll(async () => {
    const base = await baseLayer();
    bigLayer = await randomLayer(join(scratch('big-layer'), 'layer.tar.gz'), BIG, 'pull-resilience');
    big = await pushTestImage(registry.url, 'pull-resilience/big', '1', [base, bigLayer]);
    small = await Promise.all(
      [1, 2, 3, 4].map(async (n) =>
        pushTestImage(registry.url, `pull-resilience/small${n}`, '1', [base, await tarLayer([{ name: `n/${n}`, content: `${n}\n` }])])
      )
    );
  }, 120_000);
  afterEach(async () => {
    await Promise.all(proxies.map((p) => p.stop()));
    proxies = [];
  });
  afterAll(() => stopDockerDaemon(), 30_000);

  it('takes an interrupted download up where it stopped, with a Range request', async () => {
    const store = await BlobStore.open(scratch('pull-store'));
    const cutting = await proxy({ target: registry.url, cutAfter: { [bigLayer.digest]: 5 * 1024 * 1024 } });
    const { result } = await runPull({ images: locked('pull-resilience/big:1', big), store, overrides: through(cutting) });
    const gets = cutting.blobGets(bigLayer.digest);
    expect(gets.map((get) => get.status)).toEqual([200, 206]);
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(gets[1].range ?? '')?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(5 * 1024 * 1024);
    expect(await store.verify(bigLayer.digest)).toBe('valid');
    expect(result.bytesFromRegistry).toBeGreaterThan(BIG);
  });

  it('starts over when the registry answers a Range request with the whole blob', async () => {
    const store = await BlobStore.open(scratch('pull-store'));
    const cutting = await proxy({ target: registry.url, cutAfter: { [bigLayer.digest]: 3 * 1024 * 1024 }, ignoreRange: true });
    await runPull({ images: locked('pull-resilience/big:1', big), store, overrides: through(cutting) });
    expect(cutting.blobGets(bigLayer.digest).map((get) => get.status)).toEqual([200, 200]);
    expect(await store.verify(bigLayer.digest)).toBe('valid');
  });

  it('downloads at most `concurrency` blobs at once, across all images', async () => {
    const store = await BlobStore.open(scratch('pull-store'));
    const counting = await proxy({ target: registry.url, delayMs: 100 });
    const images = Object.assign({}, ...small.map((image, i) => locked(`pull-resilience/small${i + 1}:1`, image)));
    await runPull({ images, store, overrides: through(counting), concurrency: 2 });
    // 4 configs, 4 top layers and the shared base layer once.
    expect(counting.blobGets()).toHaveLength(9);
    expect(counting.maxConcurrentBlobs).toBe(2);
  });

  it('reports progress with bytes and rate during a long download', async () => {
    const store = await BlobStore.open(scratch('pull-store'));
    const reports: PullProgress[] = [];
    await runPull({ images: locked('pull-resilience/big:1', big), store, onProgress: (p) => reports.push(p), progressIntervalMs: 0 });
    expect(reports.length).toBeGreaterThan(0);
    const last = reports[reports.length - 1];
    expect(last.totalBytes).toBeGreaterThan(bigLayer.size);
    expect(last.bytes).toBe(last.totalBytes);
    expect(last.bytesPerSecond).toBeGreaterThan(0);
    expect(reports.map((r) => r.bytes)).toEqual([...reports.map((r) => r.bytes)].sort((a, b) => a - b));
  });

  it.each(IMAGE_STORES)(
    'fetches again a blob whose cached copy has a flipped byte, and loads the sound one (%s store)',
    async (imageStore) => {
      const daemon = await dockerDaemon(imageStore);
      const store = await BlobStore.open(scratch('pull-store'));
      const images = locked('pull-resilience/big:1', big);
      await runPull({ images, store });
      flipByte(store, bigLayer.digest, 12345);
      const { result } = await runPull({ images, store, dockerEnv: daemon.env });
      expect(result.repaired).toEqual([bigLayer.digest]);
      expect(result.bytesFromRegistry).toBe(bigLayer.size);
      expect(result.images[0]).toMatchObject({ cache: 'partial', daemon: 'loaded' });
      expect(await store.verify(bigLayer.digest)).toBe('valid');
      const id = imageStore === 'classic' ? big.image.config : big.image.manifest;
      expect(await imageId(daemon, `${registry.host}/pull-resilience/big:1`)).toBe(id.digest);
    }
  );

  it.each(IMAGE_STORES)(
    'fails clearly when a cached blob is corrupt and the registry is gone, and never loads the image it belongs to (%s store)',
    async (imageStore) => {
      const daemon = await dockerDaemon(imageStore);
      const store = await BlobStore.open(scratch('pull-store'));
      const [first, second] = small as [PushedImage, PushedImage];
      const images = { ...locked('pull-resilience/small1:1', first), ...locked('pull-resilience/small2:1', second) };
      const gone = await proxy({ target: registry.url });
      await runPull({ images, store, overrides: through(gone) });
      await gone.stop();
      const top = second.image.layers[1].digest;
      flipByte(store, top, 10);

      const pull = runPull({ images, store, overrides: through(gone), dockerEnv: daemon.env });
      await expect(pull).rejects.toThrow(RegistryError);
      await expect(pull).rejects.toThrow(
        new RegExp(
          `layer of ${registry.host}/pull-resilience/small2:1 ${top} was corrupt in the cache and could not be fetched: cannot reach`
        )
      );
      expect(await store.verify(top)).toBe('missing');
      expect(await imageId(daemon, `${registry.host}/pull-resilience/small2:1`)).toBe('');
      // Loads start while blobs arrive: the whole image may be in already, and then it is sound.
      const id = (imageStore === 'classic' ? first.image.config : first.image.manifest).digest;
      expect(['', id]).toContain(await imageId(daemon, `${registry.host}/pull-resilience/small1:1`));
    }
  );

  it.each(IMAGE_STORES)('loads while layers still download: an image whole early is in the daemon first (%s store)', async (imageStore) => {
    const daemon = await dockerDaemon(imageStore);
    const store = await BlobStore.open(scratch('pull-store'));
    const slowLayer = await randomLayer(join(scratch('slow-layer'), 'layer.tar.gz'), 4 << 20, `held-${imageStore}`);
    const slow = await pushTestImage(registry.url, `pull-resilience/held-${imageStore}`, '1', [await baseLayer(), slowLayer]);
    const early = await pushTestImage(registry.url, `pull-resilience/early-${imageStore}`, '1', [
      await baseLayer(),
      await tarLayer([{ name: 'early', content: imageStore }])
    ]);
    const name = (image: string) => `${registry.host}/pull-resilience/${image}-${imageStore}:1`;
    const images = { ...locked(`pull-resilience/early-${imageStore}:1`, early), ...locked(`pull-resilience/held-${imageStore}:1`, slow) };
    const idOf = (image: PushedImage) => (imageStore === 'classic' ? image.image.config : image.image.manifest).digest;
    let release = () => {};
    const held = await proxy({
      target: registry.url,
      holdUntil: { [slowLayer.digest]: new Promise<void>((resolve) => (release = resolve)) }
    });
    const pulling = runPull({ images, store, overrides: through(held), dockerEnv: daemon.env });
    // The classic store loads each image in its own archive: the early one goes in while the slow layer is held.
    // The containerd store takes one archive for all, which streams meanwhile and is named only once whole.
    let inBeforeRelease = false;
    for (let waited = 0; imageStore === 'classic' && waited < 30_000 && !inBeforeRelease; waited += 200) {
      inBeforeRelease = (await imageId(daemon, name('early'))) === idOf(early);
      if (!inBeforeRelease) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    release();
    const { result } = await pulling;
    expect(inBeforeRelease).toBe(imageStore === 'classic');
    expect(result.images.map((image) => image.daemon)).toEqual(['loaded', 'loaded']);
    expect(await imageId(daemon, name('held'))).toBe(idOf(slow));
  });

  it('says which blob is missing when the registry is gone', async () => {
    const store = await BlobStore.open(scratch('pull-store'));
    const gone = await proxy({ target: registry.url });
    await gone.stop();
    await expect(runPull({ images: locked('pull-resilience/small3:1', small[2]), store, overrides: through(gone) })).rejects.toThrow(
      /manifest of .*small3:1 sha256:[a-f0-9]{64} is not in the cache and could not be fetched: cannot reach/
    );
  });
});
