// Benchmark "resolve" (issue 2): how fast image-lock resolves many multi-platform
// references over a network with latency, against a sequential `skopeo inspect --raw`
// loop over the same references, and how many requests each makes at the registry and
// the token server. Run it with `npm run bench:resolve`; docs/BENCHMARKS.md says more.
//
// Knobs (environment): BENCH_LATENCY_MS (40), BENCH_REPOSITORIES (12), BENCH_CONCURRENCY
// (8,16: one image-lock row each; 16 is image-lock's default), BENCH_RUNS (3 per client),
// BENCH_TIMEOUT_S (600).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { imageFlags, runImageLock, skopeoDigestLoop } from './clients.js';
import { median, runBenchmark, seconds, timed, type Bench } from './harness.js';
import { benchReport } from './machine.js';
import { describeImageSet, imageSetSettings, startImageSet } from './image-set-bench.js';
import type { PushedIndex } from './multi-platform-images.js';
import { tallyRegistry, tallyTokens, type RegistryTally, type TokenTally } from './request-counts.js';
import { markdownTable } from './table.js';
import type { TokenRegistry } from './token-registry.js';

const settings = imageSetSettings({ repositories: 12, concurrencies: [8, 16] });

/** Issue 2's goals for image-lock. */
const GOALS = { speedup: 10, manifestsPerReference: 1, tokensPerRepository: 1 };

/** One timed run of a client with what the servers counted during it. */
interface Measurement {
  ms: number;
  registry: RegistryTally;
  tokens: TokenTally;
  /** TCP connections accepted by each proxy: keep-alive reuse shows as few. */
  connections: { registry: number; token: number };
}

interface ClientUnderTest<T> {
  name: string;
  /** What the client fetched and produced per reference, for the reader. */
  did: string;
  run(runIndex: number): Promise<T>;
  /** Throws when the client's answer is wrong: a fast wrong answer is no result. */
  check(result: T): void;
}

interface Result {
  client: ClientUnderTest<unknown>;
  runs: Measurement[];
}

await runBenchmark('resolve', { timeoutMs: settings.timeoutMs }, async (bench) => {
  const { dir, env, images } = await startImageSet(bench, 'resolve', settings);

  const clients: ClientUnderTest<unknown>[] = [
    ...settings.concurrencies.map((concurrency) => imageLockClient(bench, env, dir, images, concurrency)),
    skopeoClient(env, images)
  ];
  const results: Result[] = [];
  for (const client of clients) results.push({ client, runs: await measure(bench, env, client) });
  console.log(report(images.length, results.slice(0, -1), results.at(-1)!));
});

function imageLockClient(
  bench: Bench,
  env: TokenRegistry,
  dir: string,
  images: readonly PushedIndex[],
  concurrency: number
): ClientUnderTest<Record<string, LockedImage>> {
  return {
    name: `image-lock --concurrency ${concurrency}`,
    did: 'GET index; lockfile with index digest + 3 platform digests',
    run: async (runIndex) => {
      const lockfile = join(dir, `image-lock-c${concurrency}-${runIndex}.json`);
      const args = [
        'lock',
        ...imageFlags(images.map((image) => image.reference)),
        '--concurrency',
        String(concurrency),
        '--lockfile',
        lockfile
      ];
      await runImageLock(args, { dockerConfigDir: env.dockerConfigDir, timeoutMs: bench.remainingMs() });
      return (JSON.parse(readFileSync(lockfile, 'utf8')) as { images: Record<string, LockedImage> }).images;
    },
    check: (locked) => checkLockfile(locked, images)
  };
}

function skopeoClient(env: TokenRegistry, images: readonly PushedIndex[]): ClientUnderTest<string[]> {
  return {
    name: 'skopeo inspect --raw, sequential loop',
    did: 'GET index; raw index bytes (digest = their sha256)',
    run: () =>
      skopeoDigestLoop(
        images.map((image) => image.reference),
        env.creds
      ),
    check: (digests) => checkDigests(digests, images)
  };
}

/** Runs a client `settings.runs` times, each with fresh counts, and checks every answer. */
async function measure<T>(bench: Bench, env: TokenRegistry, client: ClientUnderTest<T>): Promise<Measurement[]> {
  const measurements: Measurement[] = [];
  for (let i = 0; i < settings.runs; i++) {
    await env.resetCounts();
    const { ms, value } = await timed(() => client.run(i));
    const connections = { registry: env.registryProxy.connections, token: env.tokenProxy.connections };
    const measurement = {
      ms,
      registry: tallyRegistry(await env.registry.requests()),
      tokens: tallyTokens(env.tokenServer.requests()),
      connections
    };
    client.check(value);
    measurements.push(measurement);
    bench.progress(`${client.name}: run ${i + 1}/${settings.runs} took ${seconds(ms)}`);
  }
  return measurements;
}

interface LockedImage {
  digest: string;
  platforms: Record<string, string>;
}

function checkLockfile(locked: Record<string, LockedImage>, images: readonly PushedIndex[]): void {
  for (const image of images) {
    const entry = locked[image.reference];
    if (entry?.digest !== image.digest) throw new Error(`image-lock locked ${image.reference} to ${entry?.digest}, pushed ${image.digest}`);
    if (JSON.stringify(sortedEntries(entry.platforms)) !== JSON.stringify(sortedEntries(image.platforms))) {
      throw new Error(
        `image-lock's platforms for ${image.reference} differ: ${JSON.stringify(entry.platforms)} vs ${JSON.stringify(image.platforms)}`
      );
    }
  }
}

function checkDigests(digests: readonly string[], images: readonly PushedIndex[]): void {
  images.forEach((image, i) => {
    if (digests[i] !== image.digest) throw new Error(`skopeo returned ${digests[i]} for ${image.reference}, pushed ${image.digest}`);
  });
}

function sortedEntries(record: Record<string, string>): [string, string][] {
  return Object.entries(record).sort(([a], [b]) => a.localeCompare(b));
}

/** The results table, the goals and the machine, as Markdown for docs/BENCHMARKS.md. */
function report(referenceCount: number, ours: readonly Result[], baseline: Result): string {
  const wall = (result: Result) => median(result.runs.map((run) => run.ms));
  const rows = [...ours, baseline].map((result) => {
    const worst = worstOf(result.runs);
    return [
      result.client.name,
      result.client.did,
      seconds(wall(result)),
      `${(wall(result) / referenceCount).toFixed(1)} ms`,
      `${(wall(baseline) / wall(result)).toFixed(1)}x`,
      `${worst.registry.manifests} (max ${worst.registry.maxManifestsPerReference}/ref)`,
      `${worst.tokens.total} (max ${worst.tokens.maxPerRepository}/repo)`,
      String(worst.registry.pings),
      String(worst.registry.unauthorized),
      String(worst.registry.total),
      `${worst.connections.registry} + ${worst.connections.token}`
    ];
  });
  const table = markdownTable(
    [
      { title: 'client' },
      { title: 'fetches and produces per reference' },
      { title: `wall (median of ${settings.runs})`, align: 'right' },
      { title: 'time per ref', align: 'right' },
      { title: 'vs skopeo', align: 'right' },
      { title: 'manifest requests', align: 'right' },
      { title: 'token requests', align: 'right' },
      { title: '/v2/ pings', align: 'right' },
      { title: '401s', align: 'right' },
      { title: 'registry requests', align: 'right' },
      { title: 'connections (registry + token)', align: 'right' }
    ],
    rows
  );
  const verdict = (met: boolean) => (met ? 'met' : 'MISSED');
  const goals = ours.flatMap((result) => {
    const worst = worstOf(result.runs);
    const speedup = wall(baseline) / wall(result);
    return [
      `- ${result.client.name}: ${speedup.toFixed(1)}x faster (goal >= ${GOALS.speedup}x): ${verdict(speedup >= GOALS.speedup)}; ` +
        `manifest requests per reference max ${worst.registry.maxManifestsPerReference} (goal <= ${GOALS.manifestsPerReference}): ${verdict(worst.registry.maxManifestsPerReference <= GOALS.manifestsPerReference)}; ` +
        `token requests per repository max ${worst.tokens.maxPerRepository} (goal <= ${GOALS.tokensPerRepository}): ${verdict(worst.tokens.maxPerRepository <= GOALS.tokensPerRepository)}`
    ];
  });
  return benchReport({
    intro: describeImageSet(settings, referenceCount),
    table,
    notes: [
      ...goals,
      ...[...ours, baseline].map((result) => `- ${result.client.name}, each run: ${result.runs.map((run) => seconds(run.ms)).join(', ')}`)
    ],
    machineLead: 'Counts are the largest seen in any run (each run starts from zero).'
  });
}

/** Field by field, the largest count any run produced: the goals are "at most". */
function worstOf(runs: readonly Measurement[]): Omit<Measurement, 'ms'> {
  const max = <T extends object>(pick: (run: Measurement) => T): T => {
    const result = { ...pick(runs[0]) } as Record<string, number>;
    for (const run of runs) for (const [key, value] of Object.entries(pick(run))) result[key] = Math.max(result[key], value as number);
    return result as T;
  };
  return { registry: max((run) => run.registry), tokens: max((run) => run.tokens), connections: max((run) => run.connections) };
}
