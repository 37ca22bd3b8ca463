// Benchmark "cache-cost" (issue 17): what the Actions cache's content-addressed layout costs
// to keep, counted at the local cache service (test/env/cache-service.ts, azurite behind it).
// A job is the action's own tier code: the index read, `arrival` for every blob of its
// images (as the pull calls it), what the cache did not give copied in from a stand-in
// registry folder, then the post step's upload. Blobs are random bytes, incompressible
// like gzip layers. Run it with `npm run bench:cache`.
//
// Knobs (environment): BENCH_BASE_MB (30), BENCH_LAYER_MB (8; two per image), BENCH_TIMEOUT_S (300).
import { randomBytes, createHash } from 'node:crypto';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActionsCacheTier } from '../src/action/cache/actions-cache-tier.js';
import { saveToActionsCache } from '../src/action/cache/actions-cache-save.js';
import { cacheKey } from '../src/action/cache/cache-key.js';
import { CacheService } from '../src/action/cache/cache-service.js';
import { actionsCachePlan } from '../src/action/cache/layer-cache.js';
import { BlobStore } from '../src/layout/blob-store.js';
import { startCacheService } from '../test/env/cache-service.js';
import { envInt, runBenchmark } from './harness.js';
import { benchReport } from './machine.js';
import { markdownTable } from './table.js';

const MB = 1 << 20;
const PLATFORM = { os: 'linux', architecture: 'amd64' };

interface Image {
  manifest: string;
  config: string;
  layers: string[];
}

await runBenchmark('cache-cost', { timeoutMs: envInt('BENCH_TIMEOUT_S', 300) * 1000 }, async (bench) => {
  const scratch = await mkdtemp(join(tmpdir(), 'bench-cache-cost-'));
  bench.defer(() => rm(scratch, { recursive: true, force: true }));
  const service = await startCacheService();
  bench.defer(() => service.stop());
  Object.assign(process.env, service.env);
  const client = CacheService.fromEnv(service.env)!;
  // @actions/core logs on stdout, where the results go: send it to stderr until they are printed.
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = process.stderr.write.bind(process.stderr);
  bench.defer(() => (process.stdout.write = write));
  const registry = await BlobStore.open(join(scratch, 'registry'));
  const sizes = new Map<string, number>();

  const blob = async (bytes: Buffer) => {
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    const ingest = registry.ingest(digest);
    await ingest.append([bytes]);
    await registry.commit(ingest);
    sizes.set(digest, bytes.length);
    return digest;
  };
  const newBase = async () => blob(randomBytes(envInt('BENCH_BASE_MB', 30) * MB));
  const image = async (name: string, base: string): Promise<Image> => {
    const layers = [
      base,
      await blob(randomBytes(envInt('BENCH_LAYER_MB', 8) * MB)),
      await blob(randomBytes(envInt('BENCH_LAYER_MB', 8) * MB))
    ];
    return {
      manifest: await blob(Buffer.from(`{"manifest":"${name}","pad":"${'x'.repeat(1500)}"}`)),
      config: await blob(Buffer.from(`{"config":"${name}","pad":"${'y'.repeat(3000)}"}`)),
      layers
    };
  };
  const blobsOf = (images: Image[]) => [...new Set(images.flatMap((one) => [one.manifest, one.config, ...one.layers]))];
  const sum = (digests: string[]) => digests.reduce((total, digest) => total + sizes.get(digest)!, 0);
  const stored = () => service.entries().reduce((total, entry) => total + entry.size, 0);

  /** One job on a fresh runner; returns the bytes its post step uploaded. */
  const job = async (images: Image[]): Promise<number> => {
    const key = cacheKey(images.map((one) => one.manifest).sort(), PLATFORM);
    const store = await BlobStore.open(await mkdtemp(join(scratch, 'job-')));
    const tier = new ActionsCacheTier(client, key, store);
    await tier.start();
    const blobs = blobsOf(images);
    for (const digest of blobs) {
      await tier.arrival(digest);
      if ((await store.size(digest)) === undefined) await copyFile(registry.path(digest), store.path(digest));
    }
    const small = images.flatMap((one) => [one.manifest, one.config]);
    const plan = actionsCachePlan(key, tier, { actionsCache: await tier.settled(), ms: 0 }, blobs.sort(), small);
    return plan ? (await saveToActionsCache(client, store, plan)).bytes : 0;
  };

  bench.progress('three images, then one of them moved');
  const base = await newBase();
  const [a, b, c] = [await image('a', base), await image('b', base), await image('c', base)];
  await job([a, b, c]);
  const moved = await image('c2', base);
  const uploadedAfterMove = await job([a, b, moved]);
  const movedNew = sum([moved.manifest, moved.config, ...moved.layers.filter((layer) => layer !== base)]);

  bench.progress('two jobs sharing a base image');
  const before = stored();
  // A base of their own, so the first part's entries do not count for them.
  const shared = await newBase();
  const [one, two] = [await image('one', shared), await image('two', shared)];
  await job([one]);
  await job([two]);
  const kept = stored() - before;
  const union = sum(blobsOf([one, two]));

  const ratio = (value: number, of: number) => `${(value / of).toFixed(3)}x`;
  const megabytes = (bytes: number) => `${(bytes / MB).toFixed(2)} MB`;
  const table = markdownTable(
    [{ title: 'measure' }, { title: 'bytes' }, { title: 'of' }, { title: 'ratio', align: 'right' }, { title: 'goal' }],
    [
      [
        'post step upload after one of three images moved / its new blobs',
        megabytes(uploadedAfterMove),
        megabytes(movedNew),
        ratio(uploadedAfterMove, movedNew),
        '<= 1.1x'
      ],
      [
        'bytes kept for two jobs sharing a base image / union of their blobs',
        megabytes(kept),
        megabytes(union),
        ratio(kept, union),
        '<= 1.05x'
      ]
    ]
  );
  process.stdout.write = write;
  console.log(
    benchReport({
      intro: ['## Layer cache cost (`npm run bench:cache`)'],
      table,
      notes: ['Counted at the local cache service: the sizes finalized there, index entries included.']
    })
  );
});
