// Benchmark "pull" (issues 4, 10, 12 and 17): images of a few hundred MB sharing a base,
// locked in the pinned form, moved into real Docker daemons of both image stores
// (test/env/docker-daemon.ts: overlay storage as GitHub's runners use it, the driver
// reported), compared four ways:
//   (a) warm cache -> images in the daemon: `image-lock pull` from its blob store vs
//       `docker pull` of every image at once from a local registry, and vs `docker load`
//       of a `docker save` tar of them; on the classic store also the digest links'
//       time and every request they made to the registry; image-lock's CPU per pull;
//   (b) the Actions cache on a fresh runner: the save/load approach (restore an
//       @actions/cache entry of a `docker save` tar, then `docker load`) vs the action's
//       own pull step (`dist/main`, `pull: true`), which restores its content-addressed
//       entries (seeded once by a job's post step) while it pulls and loads; the bytes
//       each keeps; and across a shaped link (bench/pull-link.ts), the action's pull
//       restoring from the cache against `docker pull`, into a daemon across the link;
//   (c) cold fetch throughput: `image-lock pull --no-load` into an empty store vs curl
//       fetching the same blobs, as many at once as image-lock's concurrency: over
//       loopback, then over a link of each rate in BENCH_LINKS (bench/shaped-link.ts);
//   (d) image-lock's peak memory over all of its runs.
// Each comparison runs BENCH_RUNS times, the clients taking turns; the report gives
// medians. Run it with `npm run bench:pull`; docs/BENCHMARKS.md holds recorded runs.
//
// Knobs (environment): BENCH_BASE_MB (200), BENCH_TOP_MB (110: each of the four top
// layers), BENCH_CONCURRENCY (8), BENCH_RUNS (3), BENCH_TIMEOUT_S (900), BENCH_LINKS
// (1000,2500 Mbit/s; `none` to leave the links out), BENCH_LINK_RTT_MS (20),
// BENCH_STORES (classic,containerd).
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serializeLockfile } from '../src/lockfile/lockfile.js';
import { IMAGE_STORES, startDockerDaemon, type ImageStore } from '../test/env/docker-daemon.js';
import { makeTempDir } from '../test/env/paths.js';
import { runOk } from '../test/env/proc.js';
import { startRegistry } from '../test/env/registry.js';
import { startBenchCache } from './actions-cache.js';
import { envInt, envInts, runBenchmark, timed } from './harness.js';
import { actionPull, checkLoaded, curlBlobs, dockerPull, imageLockPull, removeImages, takeTurns } from './pull-clients.js';
import { pushPullImageSet } from './pull-images.js';
import { pullReport, type ColdRuns, type StoreRuns } from './pull-report.js';
import { tallyRegistry } from './request-counts.js';
import { startPullLink } from './pull-link.js';

const settings = {
  baseMb: envInt('BENCH_BASE_MB', 200),
  topMb: envInt('BENCH_TOP_MB', 110),
  concurrency: envInt('BENCH_CONCURRENCY', 8),
  rounds: envInt('BENCH_RUNS', 3),
  linksMbit: process.env.BENCH_LINKS === 'none' ? [] : envInts('BENCH_LINKS', [1000, 2500]),
  linkRttMs: envInt('BENCH_LINK_RTT_MS', 20),
  timeoutMs: envInt('BENCH_TIMEOUT_S', 900) * 1000,
  stores: (process.env.BENCH_STORES?.split(',') ?? IMAGE_STORES) as ImageStore[]
};

await runBenchmark('pull', { timeoutMs: settings.timeoutMs }, async (bench) => {
  const dir = makeTempDir('bench-pull');
  bench.defer(() => rmSync(dir, { recursive: true, force: true }));
  const registry = await startRegistry({ storageRoot: join(dir, 'registry-storage'), workDir: join(dir, 'registry') });
  bench.defer(() => registry.stop());
  const cache = await startBenchCache(bench, dir);

  bench.progress(`generating and pushing the images (base ${settings.baseMb} MB + 2 x ${settings.topMb} MB each)`);
  mkdirSync(join(dir, 'layers'));
  const set = await pushPullImageSet({ dir: join(dir, 'layers'), url: registry.url, host: registry.host, ...settings });
  rmSync(join(dir, 'layers'), { recursive: true });
  const lockfile = join(dir, 'image-lock.json');
  writeFileSync(lockfile, serializeLockfile({ lockfileVersion: 1, images: set.locked }));
  const references = Object.keys(set.locked);
  const store = join(dir, 'store');
  const timeout = () => bench.remainingMs();
  const imageLock = (env: NodeJS.ProcessEnv, args: string[], via: { lockfile: string; prefix?: string[] } = { lockfile }) =>
    imageLockPull(
      ['--lockfile', via.lockfile, '--cache-dir', store, '--concurrency', String(settings.concurrency), ...args],
      dir,
      env,
      timeout(),
      via.prefix
    );
  const round = (what: string, index: number) => bench.progress(`${what}, round ${index + 1} of ${settings.rounds}`);

  /** Rounds of image-lock into an empty store and curl, both reaching the registry at `url`. */
  const coldRounds = async (what: string, url: string, via?: { lockfile: string; args: string[]; prefix: string[] }): Promise<ColdRuns> => {
    const cold: ColdRuns = { cold: [], curlMs: [] };
    for (let i = 0; i < settings.rounds; i++) {
      round(`(c) cold fetch${what}: image-lock pull --no-load into an empty store, then curl`, i);
      rmSync(store, { recursive: true, force: true });
      const pull = await imageLock(process.env, ['--no-load', ...(via?.args ?? [])], via);
      if (pull.report.bytesFromRegistry !== set.bytes)
        throw new Error(`image-lock fetched ${pull.report.bytesFromRegistry} bytes, the images hold ${set.bytes}`);
      cold.cold.push(pull);
      cold.curlMs.push(await curlBlobs(set, url, join(dir, 'curl'), settings.concurrency, timeout(), via?.prefix));
      rmSync(join(dir, 'curl'), { recursive: true });
    }
    return cold;
  };
  const cold = await coldRounds('', registry.url);
  const links: ({ mbit: number } & ColdRuns)[] = [];
  const far =
    settings.linksMbit.length > 0 ? await startPullLink(bench, { dir, registry, set, ...settings, rttMs: settings.linkRttMs }) : undefined;
  if (far) {
    const via = { lockfile: far.lockfile, args: ['--insecure-registry', far.registryHost], prefix: far.link.prefix };
    for (const mbit of settings.linksMbit) {
      await far.link.setRate(mbit);
      links.push({ mbit, ...(await coldRounds(` over a ${mbit} Mbit/s link`, far.registryUrl, via)) });
    }
  }
  // The store as the last cold round filled it: what a runner keeps on disk.
  const storeSizes = { store: directoryBytes(store), storeEntry: 0 };

  const stores: StoreRuns[] = [];
  let seeded = false;
  for (const kind of settings.stores) {
    const daemon = await startDockerDaemon(60_000, kind);
    try {
      const runs: StoreRuns = {
        store: kind,
        storageDriver: daemon.storageDriver,
        warm: [],
        linkRequests: [],
        dockerPullMs: [],
        dockerLoadMs: [],
        saveLoadMs: [],
        restored: [],
        linked: [],
        sizes: { saveTar: 0, saveEntry: 0, ...storeSizes }
      };
      const what = `${kind} store on ${daemon.storageDriver}`;
      // Each round into an empty daemon, the two clients in turn, the first one alternating.
      const warmPull = async () => {
        const before = (await registry.requests()).length;
        const warm = await imageLock(daemon.env, []);
        if (warm.report.cache !== 'hit') throw new Error(`the warm pull was a cache ${warm.report.cache}`);
        runs.warm.push(warm);
        runs.linkRequests.push(tallyRegistry((await registry.requests()).slice(before)));
      };
      const dockerPullRun = async () => void runs.dockerPullMs.push(await dockerPull(daemon, references, timeout()));
      await takeTurns(settings.rounds, [warmPull, dockerPullRun], daemon, set, {
        onRound: (i) => round(`(a) ${what}, warm cache into the daemon: image-lock pull and docker pull`, i)
      });

      // What a save/load workflow keeps: the images by tag, the names `docker load` restores.
      bench.progress(`(b) ${what}: docker save; its tar saved through the Actions cache`);
      const tagged = references.map((reference) => reference.slice(0, reference.indexOf('@')));
      await dockerPull(daemon, tagged, timeout());
      const saveDir = join(dir, `save-load-${kind}`);
      mkdirSync(saveDir);
      const saveTar = join(saveDir, 'images.tar');
      await runOk('docker', ['save', '-o', saveTar, ...tagged], { env: daemon.env, timeoutMs: timeout() });
      runs.sizes.saveTar = statSync(saveTar).size;
      runs.sizes.saveEntry = await cache.save(saveDir, `save-load-${kind}`);
      await removeImages(daemon);
      // The Actions cache's own entries (a layer each, an index), saved once by a job's post step: shared by every store's rounds.
      if (!seeded) {
        bench.progress(`(b) a first job saves the action's cache entries`);
        await actionPull(dir, references, { ...daemon.env, ...cache.env }, { seed: true });
        await removeImages(daemon);
        seeded = true;
        storeSizes.storeEntry = cache.entryBytes('image-lock-');
      }
      runs.sizes.storeEntry = storeSizes.storeEntry;
      for (let i = 0; i < settings.rounds; i++) {
        round(`(b) ${what}, restore and load: the docker save tar, then the action's pull from its cache entries`, i);
        rmSync(saveDir, { recursive: true, force: true });
        const restore = await timed(() => cache.restore(saveDir, `save-load-${kind}`));
        const load = await timed(() => runOk('docker', ['load', '-q', '-i', saveTar], { env: daemon.env, timeoutMs: timeout() }));
        runs.dockerLoadMs.push(load.ms);
        runs.saveLoadMs.push(restore.ms + load.ms);
        await runOk('docker', ['image', 'inspect', ...tagged], { env: daemon.env });
        await removeImages(daemon);
        runs.restored.push(await actionPull(dir, references, { ...daemon.env, ...cache.env }));
        await checkLoaded(daemon, set);
        await removeImages(daemon);
      }
      rmSync(saveDir, { recursive: true, force: true });
      stores.push(runs);
    } finally {
      await daemon.stop();
    }
    if (far) stores[stores.length - 1].linked = await far.storeRounds(kind, settings.linksMbit, (what, i) => round(`(b) ${what}`, i));
  }
  console.log(pullReport({ settings, set, cold, links, stores }));
});

/** Bytes of the files under `dir`: the blob store as a cache entry holds it. */
function directoryBytes(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce((sum, entry) => sum + statSync(join(entry.parentPath, entry.name)).size, 0);
}
