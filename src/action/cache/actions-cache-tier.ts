import * as cache from '@actions/cache';
import * as core from '@actions/core';
import { messageOf } from '../../errors.js';
import type { BlobStore } from '../../layout/blob-store.js';
import { createLimit } from '../../pull/limit.js';
import { readIndex, restoreBlob, storeSmallBlobs } from './cache-entries.js';
import type { CacheKey } from './cache-key.js';
import type { CacheService } from './cache-service.js';
import type { TierRestore } from './tier-restore.js';

/** Layer entries downloaded at once: enough to fill a runner's link, few enough to leave the registry some. */
const RESTORE_CONCURRENCY = 4;

/**
 * The Actions cache as the pull's outer cache. `start` reads the configuration's index
 * (its small blobs go straight into the store) and begins restoring the layers it lists;
 * `arrival`, handed to the pull, waits for a blob's restore, or looks up a blob no index
 * listed (a layer another configuration saved). Every failure is a warning and a miss:
 * the pull then fetches that blob from the registry.
 */
export class ActionsCacheTier {
  /** Blobs looked up and not found: what the post step uploads (blobs from the tool cache are never looked up). */
  readonly missed = new Set<string>();
  private readonly arrivals = new Map<string, Promise<void>>();
  private readonly limit = createLimit(RESTORE_CONCURRENCY);
  private index: 'exact' | 'none' | 'failed' = 'none';
  private restored = 0;
  private warned = false;
  private readonly started = Date.now();

  constructor(
    private readonly service: CacheService,
    private readonly key: CacheKey,
    private readonly store: BlobStore
  ) {}

  /** Reads the index and starts restoring its layers; resolves once the layers are under way, not done. */
  async start(): Promise<void> {
    try {
      const index = await readIndex(this.service, this.key.key);
      if (!index) return await this.noteOldLayout();
      this.index = 'exact';
      await storeSmallBlobs(this.store, index);
      for (const digest of index.blobs.filter((blob) => !(blob in index.small))) this.arrivals.set(digest, this.restore(digest));
    } catch (error) {
      this.index = 'failed';
      this.warn(error);
    }
  }

  /** See `PullOptions.arrival`. A blob already in the store (from the tool cache) is not looked up. */
  readonly arrival = (digest: string): Promise<void> => {
    let arrived = this.arrivals.get(digest);
    if (!arrived) {
      arrived = this.store.size(digest).then((size) => (size === undefined && this.index !== 'failed' ? this.restore(digest) : undefined));
      this.arrivals.set(digest, arrived);
    }
    return arrived;
  };

  /** What the tier gave, once every restore it began has settled. */
  async settled(): Promise<TierRestore> {
    await Promise.all(this.arrivals.values());
    const match = this.index === 'exact' ? 'exact' : this.restored > 0 ? 'partial' : 'none';
    return { match, ...(this.index === 'exact' ? { entry: this.key.key } : {}), ms: Date.now() - this.started };
  }

  private restore(digest: string): Promise<void> {
    return this.limit(async () => {
      if ((await this.store.size(digest)) !== undefined) return;
      if (await restoreBlob(this.service, this.store, digest)) this.restored++;
      else this.missed.add(digest);
    }).catch((error: unknown) => this.warn(error));
  }

  /** One warning for the run: the cause, and that the registry stands in for what the cache did not give. */
  private warn(error: unknown): void {
    if (this.warned) return;
    this.warned = true;
    core.warning(`image-lock could not restore from the Actions cache, the registry serves what it lacks: ${messageOf(error)}`);
  }

  /**
   * Entries of image-lock before blobs were kept by digest (`image-lock-v1-<platform>-<hash>`,
   * one tar of the whole store): not read, only named, so a user sees why the first run misses.
   */
  private async noteOldLayout(): Promise<void> {
    const prefix = `image-lock-v1-${this.key.platformSlug}-`;
    const old = await cache.restoreCache([this.store.root], prefix, [], { lookupOnly: true }).catch(() => undefined);
    if (old)
      core.info(
        `image-lock: the Actions cache entry ${old} is in the old layout (one archive per job), which this version does not read; it expires unused`
      );
  }
}
