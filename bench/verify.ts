// Benchmark "verify" (issue 3): verifying an unchanged lockfile of many references
// against re-resolving them all (`lock` again), over a network with latency: wall time,
// and what the registry and the token server counted (manifest GETs vs HEADs, tokens,
// connections). Run it with `npm run bench:verify`; docs/BENCHMARKS.md says more.
//
// With a trust policy, `verify --verify-signatures` also fetches and verifies each locked
// digest's signature (issue 19: at most 2x a plain verify).
//
// Knobs (environment): BENCH_LATENCY_MS (40), BENCH_REPOSITORIES (25; 4 tags each),
// BENCH_CONCURRENCY (16,64: one row per value for each command; 16 is the CLI's default,
// 64 the most it accepts), BENCH_RUNS (3), BENCH_TIMEOUT_S (600).
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { imageFlags, runImageLock } from './clients.js';
import { median, runBenchmark, seconds, timed, type Bench } from './harness.js';
import { benchReport } from './machine.js';
import { describeImageSet, imageSetSettings, startImageSet } from './image-set-bench.js';
import { manifestRequests, tallyTokens } from './request-counts.js';
import { markdownTable } from './table.js';
import { pushSimpleSignature } from '../test/env/cosign-store.js';
import { mapLimit } from '../src/util/map-limit.js';
import type { PushedIndex } from './multi-platform-images.js';
import type { TokenRegistry } from './token-registry.js';

const settings = imageSetSettings({ repositories: 25, concurrencies: [16, 64] });

/** One timed run with what the servers counted during it. */
interface Measurement {
  ms: number;
  manifestGets: number;
  manifestHeads: number;
  registryRequests: number;
  tokens: number;
  /** TCP connections accepted by the two proxies. */
  connections: number;
}

/** The counted columns: the largest count any run produced. */
const COUNTS: [title: string, pick: (run: Measurement) => number][] = [
  ['manifest GETs', (run) => run.manifestGets],
  ['manifest HEADs', (run) => run.manifestHeads],
  ['token requests', (run) => run.tokens],
  ['registry requests', (run) => run.registryRequests],
  ['TCP connections', (run) => run.connections]
];

interface Command {
  name: string;
  args: string[];
  concurrency?: number;
}

await runBenchmark('verify', { timeoutMs: settings.timeoutMs }, async (bench) => {
  const { dir, env, images } = await startImageSet(bench, 'verify', settings);

  const lockfile = join(dir, 'image-lock.json');
  const common = [...imageFlags(images.map((image) => image.reference)), '--lockfile', lockfile];
  await runImageLock(['lock', ...common], { dockerConfigDir: env.dockerConfigDir, timeoutMs: bench.remainingMs() });
  const locked = readFileSync(lockfile, 'utf8');
  bench.progress(`locked ${images.length} references`);
  const signed = await signImages(dir, env, images);
  bench.progress(`signed ${images.length} references (cosign's legacy .sig form, a key pair)`);

  const commands: Command[] = settings.concurrencies.flatMap((concurrency) => [
    {
      name: `verify --concurrency ${concurrency} (unchanged lockfile)`,
      args: ['verify', ...common, '--concurrency', String(concurrency)],
      concurrency
    },
    {
      name: `verify --verify-signatures error --concurrency ${concurrency}`,
      args: ['verify', ...common, ...signed, '--concurrency', String(concurrency)],
      concurrency
    },
    {
      name: `lock --concurrency ${concurrency} (re-resolve everything)`,
      args: ['lock', ...common, '--concurrency', String(concurrency)],
      concurrency
    }
  ]);
  // What no request costs: Node's start-up and loading the bundle, in every row above.
  commands.push({ name: '--help (start-up only)', args: ['--help'] });
  const results: [Command, Measurement[]][] = [];
  for (const command of commands) {
    results.push([command, await measure(bench, env, command)]);
    // Both commands leave an unchanged world's lockfile byte for byte as it was.
    if (readFileSync(lockfile, 'utf8') !== locked) throw new Error(`${command.name} changed the lockfile`);
  }
  console.log(report(images.length, results));
});

/**
 * Signs every image with one key, cosign's legacy form (each a `sha256-<hex>.sig` manifest),
 * writes the trust policy naming that key, and gives the flags that check it.
 */
async function signImages(dir: string, env: TokenRegistry, images: PushedIndex[]): Promise<string[]> {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(join(dir, 'cosign.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(join(dir, 'trust.yml'), `signatures:\n  - images: ["*"]\n    keys: [${JSON.stringify(join(dir, 'cosign.pub'))}]\n`);
  // Repositories side by side, one image at a time within each: they share the small config blob.
  const repositories = [...new Set(images.map((image) => image.repo))];
  await mapLimit(repositories, 8, async (repo) => {
    for (const image of images.filter((each) => each.repo === repo)) {
      await pushSimpleSignature(env.pushTarget(repo), repo, image.digest, privateKey);
    }
  });
  return ['--verify-signatures', 'error', '--trust-policy', join(dir, 'trust.yml')];
}

/** Runs a command `settings.runs` times, each with fresh counts. */
async function measure(bench: Bench, env: TokenRegistry, command: Command): Promise<Measurement[]> {
  const measurements: Measurement[] = [];
  for (let i = 0; i < settings.runs; i++) {
    await env.resetCounts();
    const { ms } = await timed(() => runImageLock(command.args, { dockerConfigDir: env.dockerConfigDir, timeoutMs: bench.remainingMs() }));
    const requests = await env.registry.requests();
    measurements.push({
      ms,
      manifestGets: manifestRequests(requests, 'GET').length,
      manifestHeads: manifestRequests(requests, 'HEAD').length,
      registryRequests: requests.length,
      tokens: tallyTokens(env.tokenServer.requests()).total,
      connections: env.registryProxy.connections + env.tokenProxy.connections
    });
    bench.progress(`${command.name}: run ${i + 1}/${settings.runs} took ${seconds(ms)}`);
  }
  return measurements;
}

/** The results table and the goals, as Markdown for docs/BENCHMARKS.md. */
function report(referenceCount: number, results: [Command, Measurement[]][]): string {
  const medianMs = (runs: Measurement[]) => median(runs.map((run) => run.ms));
  const most = (runs: Measurement[], pick: (run: Measurement) => number) => Math.max(...runs.map(pick));
  const startup = medianMs(results.at(-1)![1]);
  const roundTrips = (runs: Measurement[]) => (Math.max(0, medianMs(runs) - startup) / settings.latencyMs).toFixed(1);
  const table = markdownTable(
    [
      { title: 'command' },
      { title: `wall (median of ${settings.runs})`, align: 'right' },
      { title: 'round trips beyond start-up', align: 'right' },
      ...COUNTS.map(([title]) => ({ title, align: 'right' as const }))
    ],
    results.map(([command, runs]) => [
      `image-lock ${command.name}`,
      seconds(medianMs(runs)),
      roundTrips(runs),
      ...COUNTS.map(([, pick]) => String(most(runs, pick)))
    ])
  );
  const verifies = results.filter(([command]) => command.args[0] === 'verify' && !command.args.includes('--verify-signatures'));
  const signatureRatios = verifies.map(([command, runs]) => {
    const [, signed] = results.find(([other]) => other.args.includes('--verify-signatures') && other.concurrency === command.concurrency)!;
    const ratio = medianMs(signed) / medianMs(runs);
    return `- at ${command.concurrency} in flight: verify --verify-signatures takes ${ratio.toFixed(2)}x a plain verify (goal at most 2x): ${ratio <= 2 ? 'met' : 'MISSED'}`;
  });
  const gets = Math.max(...verifies.map(([, runs]) => most(runs, (run) => run.manifestGets)));
  const comparisons = verifies.map(([command, runs]) => {
    const [, relock] = results.find(([other]) => other.args[0] === 'lock' && other.concurrency === command.concurrency)!;
    const floor = Math.ceil(referenceCount / command.concurrency!);
    const ratio = (medianMs(relock) / medianMs(runs)).toFixed(2);
    return `- at ${command.concurrency} in flight: verify takes ${roundTrips(runs)} round trips (its HEADs alone need at least ${floor}); re-resolving takes ${ratio}x its wall time`;
  });
  return benchReport({
    intro: describeImageSet(settings, referenceCount),
    table,
    notes: [
      `- verify's manifest GETs: ${gets} (goal 0): ${gets === 0 ? 'met' : 'MISSED'}`,
      ...comparisons,
      ...signatureRatios,
      ...results.map(([command, runs]) => `- ${command.name}, each run: ${runs.map((run) => seconds(run.ms)).join(', ')}`)
    ],
    machineLead: `Round trips: (wall - start-up) / ${settings.latencyMs} ms. Counts are the largest seen in any run (each run starts from zero).`
  });
}
