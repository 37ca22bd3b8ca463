// The pull benchmark's far side of a shaped link (bench/shaped-link.ts), where a runner
// sits: the registry and the Actions cache each reached through a latency proxy on this
// side's address, the images named by the registry's address there. Over it, (c)'s cold
// fetches, and issue 17's row: the action's pull restoring from its cache entries against
// `docker pull`, both across the same link, into a daemon that runs there too.
import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { serializeLockfile } from '../src/lockfile/lockfile.js';
import { startCacheService } from '../test/env/cache-service.js';
import { startDockerDaemon, type ImageStore } from '../test/env/docker-daemon.js';
import { startLatencyProxy } from '../test/env/latency-proxy.js';
import type { RegistryHandle } from '../test/env/registry.js';
import type { Bench } from './harness.js';
import { actionPull, dockerPull, removeImages, takeTurns, type AcrossLink } from './pull-clients.js';
import type { PullImageSet } from './pull-images.js';
import { startShapedLink, type ShapedLink } from './shaped-link.js';

/** One link rate's rounds on one store: the action's pull from the Actions cache, and docker pull (ms). */
export interface LinkedRuns {
  mbit: number;
  /** What `docker info` called the storage of the daemon across the link. */
  storageDriver: string;
  restored: number[];
  dockerPullMs: number[];
}

export interface PullLink {
  link: ShapedLink;
  /** The registry across the link: `host:port`, and its URL. */
  registryHost: string;
  registryUrl: string;
  /** The lockfile naming the images by the registry's address across the link. */
  lockfile: string;
  /** How a client runs across the link. */
  across: AcrossLink;
  /**
   * For each rate, `rounds` rounds into an empty daemon of `store` running across the
   * link: the action's pull on a fresh runner, restoring from the cache entries a first
   * job saved, and `docker pull`, taking turns.
   */
  storeRounds(store: ImageStore, mbits: number[], progress: (what: string, round: number) => void): Promise<LinkedRuns[]>;
}

export interface PullLinkOptions {
  dir: string;
  registry: RegistryHandle;
  set: PullImageSet;
  rttMs: number;
  rounds: number;
}

export async function startPullLink(bench: Bench, { dir, registry, set, rttMs, rounds }: PullLinkOptions): Promise<PullLink> {
  const link = await startShapedLink(bench);
  const behindLink = async (port: number) => {
    const proxy = await startLatencyProxy({ targetHost: '127.0.0.1', targetPort: port, ms: rttMs, listenHost: link.hostAddress });
    bench.defer(() => proxy.stop());
    return proxy;
  };
  const registryProxy = await behindLink(registry.port);
  const named = (reference: string) => reference.replace(registry.host, registryProxy.host);
  const lockfile = join(dir, 'image-lock-link.json');
  const images = Object.entries(set.locked).map(([reference, entry]) => [named(reference), entry]);
  writeFileSync(lockfile, serializeLockfile({ lockfileVersion: 1, images: Object.fromEntries(images) }));
  const references = Object.keys(set.locked).map(named);
  // Its own service, so its entries hold the images under these names.
  const cache = await startCacheService({ reachedThrough: async (port) => (await behindLink(port)).url });
  bench.defer(() => cache.stop());
  const across = { prefix: link.prefix, insecureRegistry: registryProxy.host, lockfile: basename(lockfile) };
  let seeded = false;

  const storeRounds = async (store: ImageStore, mbits: number[], progress: (what: string, round: number) => void) => {
    const daemon = await startDockerDaemon(60_000, store, { prefix: link.prefix, insecureRegistries: [registryProxy.host] });
    // The daemon's environment carries the benchmark's own, which names the loopback cache service: this one wins.
    const env = { ...daemon.env, ...cache.env };
    try {
      if (!seeded) {
        progress(`a first job across the link saves the action's cache entries`, 0);
        await actionPull(dir, references, env, { seed: true, across });
        await removeImages(daemon);
        seeded = true;
      }
      const runs: LinkedRuns[] = [];
      for (const mbit of mbits) {
        await link.setRate(mbit);
        const row: LinkedRuns = { mbit, storageDriver: daemon.storageDriver, restored: [], dockerPullMs: [] };
        const restore = async () => void row.restored.push(await actionPull(dir, references, env, { across }));
        const pull = async () => void row.dockerPullMs.push(await dockerPull(daemon, references, bench.remainingMs()));
        await takeTurns(rounds, [restore, pull], daemon, set, {
          onRound: (i) =>
            progress(`${store} store across a ${mbit} Mbit/s link: the action's pull from its cache entries and docker pull`, i),
          named
        });
        runs.push(row);
      }
      return runs;
    } finally {
      await daemon.stop();
    }
  };
  return { link, registryHost: registryProxy.host, registryUrl: registryProxy.url, lockfile, across, storeRounds };
}
