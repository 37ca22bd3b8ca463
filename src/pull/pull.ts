import type { DockerDaemon } from '../daemon/docker-daemon.js';
import type { Reference } from '../name/reference.js';
import type { BlobStore } from '../layout/blob-store.js';
import type { ArchiveImage } from '../tarball/archive-image.js';
import type { Platform } from '../platform/platform.js';
import type { RegistryClient } from '../remote/registry-client.js';
import { syncDaemon, type DaemonOutcome, type DaemonSync } from './daemon-sync.js';
import type { DigestLinks } from './digest-links.js';
import { describeImage, fetchLayers, type DescribedImage } from './image-fetch.js';
import type { ProgressListener } from './progress.js';
import { startFetch } from './fetch-run.js';
import { pullTargets, type LockedImage } from './pull-target.js';

export interface PullOptions {
  /** The locked references to pull: a lockfile's `images`, or part of it. */
  images: Record<string, LockedImage>;
  platform: Platform;
  store: BlobStore;
  client: RegistryClient;
  /** The daemon to load into; without one the images are only brought into the store (`--no-load`). */
  daemon?: DockerDaemon;
  /** Blob downloads and checks in flight, across all images (default 8). */
  concurrency?: number;
  onProgress?: ProgressListener;
  /** Least time between two progress reports (default 5 s): short pulls report nothing. */
  progressIntervalMs?: number;
  /**
   * Called once per blob before the store is checked: resolves when an outer cache (the
   * Actions cache) has brought the blob into the store, or has given up on it; never rejects.
   */
  arrival?: (digest: string) => Promise<void>;
}

/** `hit`: every blob came from the store; `partial`: some did; `miss`: none did. */
export type CacheOutcome = 'hit' | 'partial' | 'miss';

export interface ImagePullReport {
  /** The lockfile key. */
  reference: string;
  /** The lockfile platform key pulled. */
  platform: string;
  manifestDigest: string;
  configDigest: string;
  cache: CacheOutcome;
  /** This image's blobs (a layer shared with another image counts for both). */
  bytesFromCache: number;
  bytesFromRegistry: number;
  fetchMs: number;
  /** What loading it took; `skipped` when no daemon was used. */
  daemon: DaemonOutcome | 'skipped';
}

export interface PullResult {
  images: ImagePullReport[];
  /** Over the run's distinct blobs. */
  cache: CacheOutcome;
  bytesFromCache: number;
  bytesFromRegistry: number;
  /** Blobs the store held corrupt, fetched again. */
  repaired: string[];
  /** Every blob the pulled images use: what a cache saved from the store should hold. */
  blobs: string[];
  fetchMs: number;
  /** The load, without the digest links' pulls (`digestLinks.ms`). */
  loadMs: number;
  /** The daemon's image store, when one was used. */
  imageStore?: 'classic' | 'containerd';
  /** Classic store: the pinned references linked by daemon pulls, and those left to the registry. */
  digestLinks?: DigestLinks;
  /** Why nothing was loaded though a daemon was given (none answers, or it runs Windows containers). */
  loadSkipped?: string;
}

/**
 * Pulls locked images for one platform: every blob into the store (from it when
 * sound, else from the registry) and into the daemon through streamed `docker load`s,
 * so that each locked reference resolves in the form written (see `syncDaemon`). The
 * loads start once the manifests and configs are in, and take each layer as it arrives.
 */
export async function pullImages(options: PullOptions): Promise<PullResult> {
  const targets = pullTargets(options.images, options.platform);
  // The daemon's images are listed beside `docker info`: each docker CLI run costs its
  // start-up before it reaches the daemon. A listing that fails is made again by the load.
  const present = options.daemon?.images().catch(() => undefined);
  const status = options.daemon ? await options.daemon.status() : undefined;

  const started = Date.now();
  const run = startFetch(options, status?.ready === true);
  const images = await run.settle(targets.map((target) => describeImage(run.context, target)));
  const fetchedAt = new Map<DescribedImage, number>();
  const layers = run.settle(images.map((image) => fetchLayers(run.context, image).then(() => fetchedAt.set(image, Date.now()))));

  const loadStarted = Date.now();
  const sync: DaemonSync =
    options.daemon && status?.ready
      ? await loadWhileFetching(
          layers,
          syncDaemon(options.daemon, options.store, distinctImages(images), status.classicStore, {
            ready: run.fetcher.ready,
            present
          })
        )
      : await layers.then(() => ({ outcomes: new Map<string, DaemonOutcome>() }));
  const loadMs = Date.now() - loadStarted - (sync.links?.ms ?? 0);
  const blobs = await run.fetcher.settled();
  const fetchMs = Math.max(started, ...fetchedAt.values()) - started;

  const byDigest = new Map(blobs.map((blob) => [blob.digest, blob]));
  const bytesFrom = (digests: string[], origin: 'cache' | 'registry') =>
    [...new Set(digests)]
      .map((digest) => byDigest.get(digest)!)
      .reduce((total, blob) => total + (blob.origin === origin ? blob.size : 0), 0);
  const all = blobs.map((blob) => blob.digest);
  const bytesFromCache = bytesFrom(all, 'cache');
  const bytesFromRegistry = bytesFrom(all, 'registry');
  const imageReport = (image: DescribedImage): ImagePullReport => {
    const [fromCache, fromRegistry] = [bytesFrom(image.digests, 'cache'), bytesFrom(image.digests, 'registry')];
    return {
      reference: image.target.key,
      platform: image.target.platformKey,
      manifestDigest: image.target.manifestDigest,
      configDigest: image.archive.config.digest,
      cache: cacheOutcome(fromCache, fromRegistry),
      bytesFromCache: fromCache,
      bytesFromRegistry: fromRegistry,
      fetchMs: fetchedAt.get(image)! - started,
      daemon: sync.outcomes.get(image.archive.target.digest) ?? 'skipped'
    };
  };
  return {
    images: images.map(imageReport),
    cache: cacheOutcome(bytesFromCache, bytesFromRegistry),
    bytesFromCache,
    bytesFromRegistry,
    repaired: run.fetcher.repaired,
    blobs: all.sort(),
    fetchMs,
    loadMs,
    ...(status?.ready ? { imageStore: status.classicStore ? 'classic' : 'containerd' } : {}),
    ...(sync.links ? { digestLinks: sync.links } : {}),
    ...(status && !status.ready ? { loadSkipped: status.reason } : {})
  };
}

/**
 * The loads run while the layers still arrive; a fetch failure is the one reported (the
 * loads waiting on its blobs end with it, and images already whole stay loaded).
 */
async function loadWhileFetching(layers: Promise<unknown>, loading: Promise<DaemonSync>): Promise<DaemonSync> {
  const [fetched, loaded] = await Promise.allSettled([layers, loading]);
  if (fetched.status === 'rejected') throw fetched.reason;
  if (loaded.status === 'rejected') throw loaded.reason;
  return loaded.value;
}

/**
 * One archive image per locked target (index or manifest), named by every reference
 * locked to it: two references pinning the same digest are one image with two names.
 */
function distinctImages(images: DescribedImage[]): ArchiveImage[] {
  const byTarget = new Map<string, ArchiveImage>();
  const union = (seen: Reference[], more: Reference[]) => [
    ...seen,
    ...more.filter((one) => !seen.some((other) => `${other}` === `${one}`))
  ];
  for (const { archive } of images) {
    const seen = byTarget.get(archive.target.digest);
    if (seen) Object.assign(seen, { tags: union(seen.tags, archive.tags), pinned: union(seen.pinned, archive.pinned) });
    else byTarget.set(archive.target.digest, { ...archive });
  }
  return [...byTarget.values()];
}

function cacheOutcome(fromCache: number, fromRegistry: number): CacheOutcome {
  if (fromRegistry === 0) return 'hit';
  return fromCache > 0 ? 'partial' : 'miss';
}
