import * as cache from '@actions/cache';
import * as core from '@actions/core';
import { messageOf } from '../../errors.js';
import type { CacheKey } from './cache-key.js';
import type { TierRestore } from './tier-restore.js';

/**
 * The Actions cache: one entry per job configuration holding the blob store, restored
 * by its exact key or, for a partial hit, the newest entry of the platform. A failure
 * to reach it costs the cache, never the job.
 */
export class ActionsCacheTier {
  constructor(
    private readonly key: CacheKey,
    /** The store's folder: the cache's version hashes this path, so it must be the same in every job. */
    private readonly storeDir: string
  ) {}

  static available(): boolean {
    return cache.isFeatureAvailable();
  }

  async restore(): Promise<TierRestore> {
    const started = Date.now();
    let matched: string | undefined;
    try {
      matched = await cache.restoreCache([this.storeDir], this.key.key, [this.key.restorePrefix]);
    } catch (error) {
      core.warning(`image-lock could not restore its layer cache from the Actions cache: ${messageOf(error)}`);
    }
    const match = matched === undefined ? 'none' : matched === this.key.key ? 'exact' : 'partial';
    return { match, entry: matched, ms: Date.now() - started };
  }

  /** Saves the store under the exact key; @actions/cache logs why when it cannot (another job saved it first, a full quota). */
  async save(): Promise<void> {
    if ((await cache.saveCache([this.storeDir], this.key.key)) === -1) throw new Error(`the entry ${this.key.key} was not saved`);
  }
}
