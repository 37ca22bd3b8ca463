// Benchmark "update" (issue 9): following 100 pinned references of which 10 tags moved,
// against a `verify` of the same set (which HEADs every pinned tag for drift), over a
// network with latency: wall time, and what the registry and the token server counted.
// Run it with `npm run bench:update`; docs/BENCHMARKS.md says more.
//
// Knobs (environment): BENCH_LATENCY_MS (40), BENCH_REPOSITORIES (25; 4 tags each),
// BENCH_MOVED (10), BENCH_RUNS (3), BENCH_TIMEOUT_S (600). Concurrency: the CLI's default.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runImageLock } from './clients.js';
import { envInt, median, runBenchmark, seconds, timed, type Bench } from './harness.js';
import { benchReport } from './machine.js';
import { describeImageSet, imageSetSettings, startImageSet } from './image-set-bench.js';
import { pushOne, type PushedIndex } from './multi-platform-images.js';
import { manifestRequests, tallyTokens } from './request-counts.js';
import { markdownTable } from './table.js';
import type { TokenRegistry } from './token-registry.js';
import { baseLayer } from '../test/env/fixtures.js';
import type { RegistryRequest } from '../test/env/registry-log.js';

const settings = imageSetSettings({ repositories: 25, concurrencies: [16] });
const movedCount = envInt('BENCH_MOVED', 10);

interface Measurement {
  ms: number;
  manifestHeads: number;
  manifestGets: number;
  blobGets: number;
  /** GETs of manifests or blobs not belonging to a moved image (goal 0). */
  strayGets: number;
  tokens: number;
  registryRequests: number;
}

const COUNTS: [title: string, pick: (run: Measurement) => number][] = [
  ['manifest HEADs', (run) => run.manifestHeads],
  ['manifest GETs', (run) => run.manifestGets],
  ['blob GETs (configs)', (run) => run.blobGets],
  ['GETs not of a moved image', (run) => run.strayGets],
  ['token requests', (run) => run.tokens],
  ['registry requests', (run) => run.registryRequests]
];

interface Command {
  name: string;
  args: string[];
  /** Puts the files and lockfile back as pinned before each run (the moved tags stay moved). */
  restore: boolean;
}

await runBenchmark('update', { timeoutMs: settings.timeoutMs }, async (bench) => {
  const { dir, env, images } = await startImageSet(bench, 'update', settings);
  const repo = join(dir, 'repo');
  mkdirSync(repo, { recursive: true });
  const run = (args: string[]) => runImageLock(args, { dockerConfigDir: env.dockerConfigDir, timeoutMs: bench.remainingMs(), cwd: repo });

  // One compose service per reference, each pinned: `host/bench/app-01:1.0@sha256:...`.
  const services = images.map((image, index) => `  app-${index}:\n    image: ${image.reference}@${image.digest}\n`);
  writeFileSync(join(repo, 'compose.yaml'), `services:\n${services.join('')}`);
  await run(['lock']);
  const pinned = {
    compose: readFileSync(join(repo, 'compose.yaml'), 'utf8'),
    lockfile: readFileSync(join(repo, 'image-lock.json'), 'utf8')
  };
  const restore = () => {
    writeFileSync(join(repo, 'compose.yaml'), pinned.compose);
    writeFileSync(join(repo, 'image-lock.json'), pinned.lockfile);
  };

  // Every tenth reference published again under its tag: a new build of all its platforms.
  const moved = await moveTags(env, images);
  const allowed = new Set(
    moved.flatMap(({ before, after }) => [after.digest, ...Object.values(after.platforms), ...Object.values(before.platforms)])
  );
  bench.progress(`pushed a new build under ${moved.length} of the ${images.length} pinned tags`);

  const commands: Command[] = [
    { name: `verify (${moved.length} pinned tags moved: drift warnings)`, args: ['verify'], restore: true },
    { name: `update (${moved.length} of ${images.length} moved)`, args: ['update'], restore: true },
    { name: 'update (nothing new since the last update)', args: ['update'], restore: false },
    { name: '--help (start-up only)', args: ['--help'], restore: false }
  ];
  const results: [Command, Measurement[]][] = [];
  for (const command of commands) {
    results.push([command, await measure(bench, env, command, () => run(command.args), restore, allowed)]);
    if (command.args[0] === 'update' && command.restore) checkUpdated(repo, moved);
  }
  console.log(report(images.length, moved.length, results));
});

async function moveTags(env: TokenRegistry, images: PushedIndex[]): Promise<{ before: PushedIndex; after: PushedIndex }[]> {
  const base = await baseLayer();
  const step = Math.floor(images.length / movedCount);
  const chosen = images.filter((_, index) => index % step === 0).slice(0, movedCount);
  const options = { host: env.host, repositories: 0, tags: [], pushTarget: env.pushTarget };
  return Promise.all(chosen.map(async (before) => ({ before, after: await pushOne(options, base, before.repo, before.tag, ' rebuilt') })));
}

/** After an update, the moved references and only they point to their new digests. */
function checkUpdated(repo: string, moved: { before: PushedIndex; after: PushedIndex }[]): void {
  const compose = readFileSync(join(repo, 'compose.yaml'), 'utf8');
  const lockfile = JSON.parse(readFileSync(join(repo, 'image-lock.json'), 'utf8')) as { images: Record<string, { digest: string }> };
  for (const { before, after } of moved) {
    if (!compose.includes(`${after.reference}@${after.digest}\n`) || compose.includes(`@${before.digest}\n`)) {
      throw new Error(`update did not move ${before.reference} in compose.yaml`);
    }
    if (lockfile.images[`${after.reference}@${after.digest}`]?.digest !== after.digest) {
      throw new Error(`update did not move ${before.reference} in the lockfile`);
    }
  }
  if ((compose.match(/@sha256:/g) ?? []).length !== Object.keys(lockfile.images).length)
    throw new Error('compose.yaml and the lockfile disagree');
}

async function measure(
  bench: Bench,
  env: TokenRegistry,
  command: Command,
  run: () => Promise<unknown>,
  restore: () => void,
  allowed: Set<string>
): Promise<Measurement[]> {
  const measurements: Measurement[] = [];
  for (let i = 0; i < settings.runs; i++) {
    if (command.restore) restore();
    await env.resetCounts();
    const { ms } = await timed(run);
    const requests = await env.registry.requests();
    const gets = requests.filter((request) => request.method === 'GET' && /\/(manifests|blobs)\/sha256:/.test(request.path));
    measurements.push({
      ms,
      manifestHeads: manifestRequests(requests, 'HEAD').length,
      manifestGets: manifestRequests(requests, 'GET').length,
      blobGets: requests.filter((request) => request.method === 'GET' && request.path.includes('/blobs/')).length,
      strayGets: gets.filter((request) => !isAllowed(request, allowed)).length,
      tokens: tallyTokens(env.tokenServer.requests()).total,
      registryRequests: requests.length
    });
    bench.progress(`${command.name}: run ${i + 1}/${settings.runs} took ${seconds(ms)}`);
  }
  return measurements;
}

/** A manifest GET of a moved image's digests; a blob GET counts as a config of one (only moved images are read). */
function isAllowed(request: RegistryRequest, allowed: Set<string>): boolean {
  if (request.path.includes('/blobs/')) return true;
  return allowed.has(request.path.slice(request.path.lastIndexOf('/') + 1));
}

function report(referenceCount: number, moved: number, results: [Command, Measurement[]][]): string {
  const medianMs = (runs: Measurement[]) => median(runs.map((run) => run.ms));
  const most = (runs: Measurement[], pick: (run: Measurement) => number) => Math.max(...runs.map(pick));
  const table = markdownTable(
    [
      { title: 'command' },
      { title: `wall (median of ${settings.runs})`, align: 'right' },
      ...COUNTS.map(([title]) => ({ title, align: 'right' as const }))
    ],
    results.map(([command, runs]) => [
      `image-lock ${command.name}`,
      seconds(medianMs(runs)),
      ...COUNTS.map(([, pick]) => String(most(runs, pick)))
    ])
  );
  const [[, verify], [, update], [, idle]] = results;
  const ratio = medianMs(update) / medianMs(verify);
  const heads = most(update, (run) => run.manifestHeads);
  const stray = most(update, (run) => run.strayGets);
  return benchReport({
    intro: [
      ...describeImageSet(settings, referenceCount),
      `All ${referenceCount} pinned (\`name:tag@digest\`) in one compose file and locked; then ${moved} tags published again (every platform rebuilt).`
    ],
    table,
    notes: [
      `- update's manifest HEADs: ${heads} (goal at most ${referenceCount}): ${heads <= referenceCount ? 'met' : 'MISSED'}`,
      `- update's GETs of anything but the ${moved} moved images: ${stray} (goal 0): ${stray === 0 ? 'met' : 'MISSED'}; per moved image: ${most(update, (run) => run.manifestGets) / moved} manifest GETs, ${most(update, (run) => run.blobGets) / moved} config GETs`,
      `- update takes ${ratio.toFixed(2)}x the wall time of verify (goal at most 2x): ${ratio <= 2 ? 'met' : 'MISSED'}; with nothing new, ${(medianMs(idle) / medianMs(verify)).toFixed(2)}x`,
      ...results.map(([command, runs]) => `- ${command.name}, each run: ${runs.map((run) => seconds(run.ms)).join(', ')}`)
    ],
    machineLead: 'Counts are the largest seen in any run (each run starts from zero, the files and lockfile put back as pinned).'
  });
}
