// The Actions cache's content-addressed layout against the local cache service (azurite
// behind it), over both protocols: v2 (github.com's Twirp API) and v1 (the REST API of
// GitHub Enterprise Server). A job is the tier's restore, a real pull from the test
// registry with the tier's `arrival`, and the post step's upload; entries are counted at
// the service.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ActionsCacheTier } from '../../src/action/cache/actions-cache-tier.js';
import { saveToActionsCache } from '../../src/action/cache/actions-cache-save.js';
import { ENTRY_VERSION } from '../../src/action/cache/cache-entries.js';
import { cacheKey } from '../../src/action/cache/cache-key.js';
import { CacheService } from '../../src/action/cache/cache-service.js';
import { actionsCachePlan } from '../../src/action/cache/layer-cache.js';
import { lockedManifests } from '../../src/commands/pull.js';
import { BlobStore } from '../../src/layout/blob-store.js';
import { startCacheService, type CacheProtocolVersion, type CacheService as CacheServiceStandIn } from '../env/cache-service.js';
import { loadTestEnv } from '../env/env.js';
import { baseLayer } from '../env/fixtures.js';
import { tarLayer } from '../env/layers.js';
import { LINUX_AMD64, pushTestImage, type PushedImage } from '../pull/helpers/locked-images.js';
import { runPull } from '../pull/helpers/run-pull.js';
import { scratchDirs } from '../pull/helpers/scratch.js';

const scratch = scratchDirs();
const registry = loadTestEnv().registries.anonymous;
const host = registry.url.slice('http://'.length);

describe.each<CacheProtocolVersion>(['v2', 'v1'])('the Actions cache over the %s protocol', (protocol) => {
  let service: CacheServiceStandIn;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    service = await startCacheService({ protocol });
    Object.assign(process.env, service.env);
  }, 60_000);
  afterAll(async () => {
    process.env = savedEnv;
    await service?.stop();
  });

  /** The client the runner's environment picks; quick retries: the stand-in's 429s carry no wait worth honouring in a test. */
  const client = () => CacheService.fromEnv(service.env, { retries: 3, baseDelayMs: 10, maxDelayMs: 20 })!;

  async function push(name: string, tag: string, text: string): Promise<[string, PushedImage]> {
    const repo = `${protocol}/${name}`;
    const top = await tarLayer([{ name: `srv/${repo}.txt`, content: `${text}\n`.repeat(2000) }]);
    return [`${host}/${repo}:${tag}`, await pushTestImage(registry.url, repo, tag, [await baseLayer(), top])];
  }

  /** A job on a fresh runner up to its post step: restore, then pull with the tier's arrival; what it would save. */
  async function look(images: [string, PushedImage][]) {
    const cache = client();
    const locked = Object.fromEntries(images.map(([reference, pushed]) => [reference, pushed.entry]));
    const key = cacheKey(lockedManifests(locked, LINUX_AMD64), LINUX_AMD64);
    const store = await BlobStore.open(scratch('cache-entries-store'));
    const tier = new ActionsCacheTier(cache, key, store);
    await tier.start();
    const { result } = await runPull({ images: locked, store, arrival: tier.arrival });
    const restore = { actionsCache: await tier.settled(), ms: 0 };
    const small = images.flatMap(([, { image }]) => [image.manifest.digest, image.config.digest]);
    return { result, restore, plan: actionsCachePlan(key, tier, restore, result.blobs, small), key, store };
  }

  /** The post step's save of what `look` found lacking; what the service gained. */
  async function save(seen: Awaited<ReturnType<typeof look>>) {
    const before = entryCount();
    const saved = seen.plan ? await saveToActionsCache(client(), seen.store, seen.plan) : undefined;
    return { ...seen, saved, uploaded: entryCount() - before };
  }

  /** One job on a fresh runner: restore, pull, then the post step's save. */
  const job = async (images: [string, PushedImage][]) => save(await look(images));

  const entryCount = () => service.entries().length;
  const layerOf = ([, pushed]: [string, PushedImage], index: number) => pushed.image.layers[index].digest;
  const blobKeys = () => service.entries().map((entry) => entry.key);

  test('the runner environment picks the protocol as @actions/cache does, and ACTIONS_CACHE_MODE may leave the tier out', async () => {
    const { ACTIONS_RUNTIME_TOKEN: token, ACTIONS_CACHE_MODE: mode } = service.env;
    const where = (server: string, v2Flag: boolean) => ({
      GITHUB_SERVER_URL: server,
      ...(v2Flag ? { ACTIONS_CACHE_SERVICE_V2: 'true' } : {}),
      ACTIONS_RESULTS_URL: service.url,
      ACTIONS_RUNTIME_TOKEN: token,
      ACTIONS_CACHE_MODE: mode
    });
    // v1 on an Enterprise Server whatever the flag says, or on github.com without the flag; v2 elsewhere with it.
    const speaksV1 = [where('https://github.enterprise.example', true), where('https://github.com', false)];
    const speaksV2 = [where('https://github.com', true), where('https://acme.ghe.com', true)];
    for (const env of protocol === 'v1' ? speaksV1 : speaksV2)
      expect(await CacheService.fromEnv(env)!.lookup('image-lock-test-nothing', ENTRY_VERSION)).toBeUndefined();
    for (const env of protocol === 'v1' ? speaksV2 : speaksV1)
      await expect(CacheService.fromEnv(env)!.lookup('image-lock-test-nothing', ENTRY_VERSION)).rejects.toThrow(/ 404 .*speaks only/);
    for (const cacheMode of ['none', 'write-only'])
      expect(CacheService.fromEnv({ ...service.env, ACTIONS_CACHE_MODE: cacheMode })).toBeUndefined();
    expect(CacheService.writable({ ...service.env, ACTIONS_CACHE_MODE: 'read' })).toBe(false);
  });

  test('two jobs sharing a base image: the second restores the base from the first and uploads only its own layer and index', async () => {
    const one = await push('cache-entries/shared/one', '1', 'shared one');
    const two = await push('cache-entries/shared/two', '1', 'shared two');
    const first = await job([one]);
    expect(first.restore.actionsCache.match).toBe('none');
    expect(first.plan?.uploads.sort()).toEqual([layerOf(one, 0), layerOf(one, 1)].sort());
    expect(first.uploaded).toBe(3);

    const second = await job([two]);
    expect(second.restore.actionsCache.match).toBe('partial');
    expect(second.result.bytesFromCache).toBe(two[1].image.layers[0].size);
    expect(second.plan?.uploads).toEqual([layerOf(two, 1)]);
    expect(second.uploaded).toBe(2);
    expect(blobKeys()).toContain(second.key.key);

    // The same configuration again: the index names every layer, nothing is uploaded.
    const again = await job([two]);
    expect(again.restore.actionsCache).toMatchObject({ match: 'exact', entry: second.key.key });
    expect(again.result.bytesFromRegistry).toBe(0);
    expect(again.plan).toBeUndefined();
  });

  test('one image of three moved: the post step uploads only its new layer and the new index', async () => {
    const images = await Promise.all(['a', 'b', 'c'].map((name) => push(`cache-entries/moved/${name}`, '1', `moved ${name}`)));
    await job(images);
    const moved = await push('cache-entries/moved/c', '2', 'moved c, rebuilt');
    const after = await job([images[0], images[1], moved]);
    expect(after.plan?.uploads).toEqual([layerOf(moved, 1)]);
    expect(after.uploaded).toBe(2);
    expect(after.saved?.bytes).toBeGreaterThan(moved[1].image.layers[1].size);
    expect(after.result.bytesFromRegistry).toBeLessThan(moved[1].image.layers[1].size + 10_000);
  });

  test('a read-only cache (reservation refused) is one refusal: nothing saved, the pull served by the registry', async () => {
    const one = await push('cache-entries/read-only/one', '1', 'read-only one');
    service.faults.readOnly = true;
    try {
      await expect(job([one])).rejects.toThrow(/refused to keep .*cache write denied/);
    } finally {
      service.faults.readOnly = false;
    }
    expect(blobKeys().some((key) => key.includes(layerOf(one, 1).slice(7)))).toBe(false);
  });

  test('429s are retried with backoff; past the retries the save gives up', async () => {
    const one = await push('cache-entries/rate/one', '1', 'rate one');
    const served = service.rateLimited();
    service.faults.tooManyRequests = 2;
    const saved = await job([one]);
    expect(service.rateLimited() - served).toBe(2);
    expect(saved.uploaded).toBeGreaterThan(0);

    const two = await push('cache-entries/rate/two', '1', 'rate two');
    service.faults.tooManyRequests = 100;
    try {
      await expect(job([two])).rejects.toThrow(/rate limited by the cache service after 4 attempts/);
    } finally {
      service.faults.tooManyRequests = 0;
    }
  });

  test('two jobs saving the same configuration at once: the second finds every key reserved, counted as already there', async () => {
    const one = await push('cache-entries/race/one', '1', 'race one');
    const [first, second] = [await look([one]), await look([one])];
    expect(second.plan).toEqual(first.plan);
    // The image's own layer and the index; the base layer too unless an earlier test saved it.
    expect(first.plan?.uploads).toContain(layerOf(one, 1));
    const entries = first.plan!.uploads.length + 1;
    expect((await save(first)).uploaded).toBe(entries);
    const late = await save(second);
    expect(late.uploaded).toBe(0);
    expect(late.saved).toEqual({ entries: 0, bytes: 0, alreadyThere: entries });
  });

  test('an entry larger than an upload chunk (v1 sends 8 MB at a time) comes back byte for byte', async () => {
    const bytes = randomBytes(20 * 1024 * 1024 + 123);
    const key = `image-lock-test-large-${protocol}`;
    expect(await client().save(key, ENTRY_VERSION, () => Readable.from([bytes]), bytes.length)).toBe(true);
    expect(service.entries().find((entry) => entry.key === key)?.size).toBe(bytes.length);
    const chunks: Buffer[] = [];
    for await (const chunk of await client().download((await client().lookup(key, ENTRY_VERSION))!)) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
  });

  test('an entry of the old layout is missed with a one-line note', async () => {
    const one = await push('cache-entries/old/one', '1', 'old one');
    const locked = { [one[0]]: one[1].entry };
    const slug = cacheKey(lockedManifests(locked, LINUX_AMD64), LINUX_AMD64).platformSlug;
    const store = await BlobStore.open(scratch('cache-entries-old'));
    await mkdir(join(store.root, 'blobs', 'sha256'), { recursive: true });
    await writeFile(join(store.root, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    const cache = await import('@actions/cache');
    process.env.GITHUB_WORKSPACE = store.root;
    expect(await cache.saveCache([store.root], `image-lock-v1-${slug}-0123456789abcdef`)).toBeGreaterThan(0);

    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = (chunk: string | Uint8Array) => lines.push(chunk.toString()) > 0;
    try {
      const tier = new ActionsCacheTier(client(), cacheKey(lockedManifests(locked, LINUX_AMD64), LINUX_AMD64), store);
      await tier.start();
      expect((await tier.settled()).match).toBe('none');
    } finally {
      process.stdout.write = write;
    }
    expect(lines.join('')).toMatch(/entry image-lock-v1-linux-amd64-0123456789abcdef is in the old layout .* expires unused/);
    expect(lines.join('')).not.toContain('::warning');
  });
});
