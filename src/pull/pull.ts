import type { DockerDaemon } from '../daemon/docker-daemon.js';
import type { Reference } from '../name/reference.js';
import type { BlobStore } from '../layout/blob-store.js';
import type { Platform } from '../platform/platform.js';
import type { RegistryClient } from '../remote/registry-client.js';
import { BlobFetcher } from './blob-fetcher.js';
import { syncDaemon, type DaemonOutcome } from './daemon-sync.js';
import type { DigestLinks } from './digest-links.js';
import { fetchImage, type FetchedImage } from './image-fetch.js';
import { createLimit } from './limit.js';
import { ProgressMeter, type ProgressListener } from './progress.js';
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

const DEFAULT_CONCURRENCY = 8;
const DEFAULT_PROGRESS_INTERVAL_MS = 5000;

/**
 * Pulls locked images for one platform: every blob into the store (from it when
 * sound, else from the registry), then into the daemon through streamed `docker load`s,
 * so that each locked reference resolves in the form written (see `syncDaemon`).
 * Nothing is loaded unless every image was fetched whole.
 */
export async function pullImages(options: PullOptions): Promise<PullResult> {
  const targets = pullTargets(options.images, options.platform);
  const status = options.daemon ? await options.daemon.status() : undefined;

  const fetchStarted = Date.now();
  const { images, fetcher } = await fetchAll(options, targets);
  const blobs = await fetcher.settled();
  const fetchMs = Date.now() - fetchStarted;

  const loadStarted = Date.now();
  const sync =
    options.daemon && status?.ready
      ? await syncDaemon(options.daemon, options.store, distinctImages(images), status.classicStore)
      : { outcomes: new Map<string, DaemonOutcome>() };
  const loadMs = Date.now() - loadStarted - (sync.links?.ms ?? 0);

  const sum = (origin: 'cache' | 'registry') =>
    blobs.filter((blob) => blob.origin === origin).reduce((total, blob) => total + blob.size, 0);
  const bytesFromCache = sum('cache');
  const bytesFromRegistry = sum('registry');
  return {
    images: images.map((image) => ({
      reference: image.target.key,
      platform: image.target.platformKey,
      manifestDigest: image.target.manifestDigest,
      configDigest: image.archive.config.digest,
      cache: cacheOutcome(image.bytesFromCache, image.bytesFromRegistry),
      bytesFromCache: image.bytesFromCache,
      bytesFromRegistry: image.bytesFromRegistry,
      fetchMs: image.fetchMs,
      daemon: sync.outcomes.get(image.archive.target.digest) ?? 'skipped'
    })),
    cache: cacheOutcome(bytesFromCache, bytesFromRegistry),
    bytesFromCache,
    bytesFromRegistry,
    repaired: fetcher.repaired,
    blobs: blobs.map((blob) => blob.digest).sort(),
    fetchMs,
    loadMs,
    ...(status?.ready ? { imageStore: status.classicStore ? 'classic' : 'containerd' } : {}),
    ...(sync.links ? { digestLinks: sync.links } : {}),
    ...(status && !status.ready ? { loadSkipped: status.reason } : {})
  };
}

/**
 * Fetches every image at once under the shared limit. The first failure aborts the
 * rest, and all settle before it is thrown, so no download outlives the call.
 */
async function fetchAll(options: PullOptions, targets: ReturnType<typeof pullTargets>) {
  const controller = new AbortController();
  const meter = new ProgressMeter(options.onProgress, options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS);
  const limit = createLimit(options.concurrency ?? DEFAULT_CONCURRENCY);
  const fetcher = new BlobFetcher(options.store, limit, controller.signal, (size) => meter.expect(size), options.arrival);
  const context = {
    store: options.store,
    client: options.client,
    fetcher,
    signal: controller.signal,
    onBytes: (count: number) => meter.add(count)
  };
  const settled = await Promise.allSettled(
    targets.map((target) =>
      fetchImage(context, target).catch((error: unknown) => {
        controller.abort(error);
        throw error;
      })
    )
  );
  const failure = settled.find((result) => result.status === 'rejected');
  if (failure) throw failure.reason;
  return { images: settled.map((result) => (result as PromiseFulfilledResult<FetchedImage>).value), fetcher };
}

/**
 * One archive image per locked target (index or manifest), named by every reference
 * locked to it: two references pinning the same digest are one image with two names.
 */
function distinctImages(images: FetchedImage[]) {
  const byTarget = new Map<string, FetchedImage['archive']>();
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
