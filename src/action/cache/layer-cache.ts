import * as core from '@actions/core';
import { BlobStore } from '../../layout/blob-store.js';
import { messageOf } from '../../errors.js';
import type { PullResult } from '../../pull/pull.js';
import { ActionsCacheTier } from './actions-cache-tier.js';
import type { CacheKey } from './cache-key.js';
import type { TierRestore } from './tier-restore.js';
import { ToolCacheTier } from './tool-cache-tier.js';

/** What each tier gave on restore; a tier not tried is absent. */
export interface LayerCacheRestore {
  toolCache?: TierRestore;
  actionsCache?: TierRestore;
  ms: number;
}

/** What the post step needs to save the layer cache (kept with core.saveState). */
export interface LayerCacheSave {
  storeDir: string;
  key: CacheKey;
  /** The blobs the pulled images use: the store is pruned to these before saving. */
  blobs: string[];
  toActionsCache: boolean;
  toToolCache: boolean;
}

const STATE = 'image-lock-layer-cache';

/**
 * Fills the job's store from the caches, nearest first: the runner's tool cache, then,
 * unless that held this very configuration, the Actions cache. The pull verifies every
 * blob either one brought before using it.
 */
export async function restoreLayerCache(key: CacheKey, store: BlobStore): Promise<LayerCacheRestore> {
  const started = Date.now();
  const restore: LayerCacheRestore = { ms: 0 };
  if (ToolCacheTier.available()) {
    restore.toolCache = await new ToolCacheTier(key).restore(store).catch((error: unknown) => {
      core.warning(`image-lock could not restore its layer cache from the tool cache: ${messageOf(error)}`);
      return { match: 'none' as const, ms: Date.now() - started };
    });
  }
  if (restore.toolCache?.match !== 'exact' && ActionsCacheTier.available()) {
    restore.actionsCache = await new ActionsCacheTier(key, store.root).restore();
  }
  restore.ms = Date.now() - started;
  return restore;
}

/**
 * Records for the post step what to save where: only when something new was fetched
 * (or the tool cache, which can be rewritten, lacks this configuration), never over
 * an Actions cache entry that already holds it (entries cannot be replaced).
 */
export function planLayerCacheSave(key: CacheKey, storeDir: string, restore: LayerCacheRestore, result: PullResult): void {
  const fetchedNew = result.bytesFromRegistry > 0;
  const save: LayerCacheSave = {
    storeDir,
    key,
    blobs: result.blobs,
    toActionsCache: fetchedNew && restore.actionsCache?.match !== 'exact' && ActionsCacheTier.available(),
    toToolCache: ToolCacheTier.persists() && (fetchedNew || restore.toolCache?.match !== 'exact')
  };
  if (save.toActionsCache || save.toToolCache) core.saveState(STATE, JSON.stringify(save));
}

/** The post step's work: prune the store to the current lockfile's blobs, then save it to each tier planned. */
export async function saveLayerCache(): Promise<void> {
  const text = core.getState(STATE);
  if (!text) return core.info('image-lock: nothing to save to the layer cache');
  const save = JSON.parse(text) as LayerCacheSave;
  const pruned = await (await BlobStore.open(save.storeDir)).prune(save.blobs);
  if (pruned.removed.length > 0)
    core.info(`image-lock: left ${pruned.removed.length} blob(s) the lockfile no longer uses out of the cache`);
  const tiers: [string, boolean, () => Promise<unknown>][] = [
    ['the Actions cache', save.toActionsCache, () => new ActionsCacheTier(save.key, save.storeDir).save()],
    ['the tool cache', save.toToolCache, () => new ToolCacheTier(save.key).save(save.storeDir)]
  ];
  for (const [name, wanted, saveTier] of tiers) {
    if (!wanted) continue;
    const started = Date.now();
    try {
      await saveTier();
      core.info(`image-lock: saved ${save.blobs.length} blob(s) to ${name} in ${Date.now() - started} ms (key ${save.key.key})`);
    } catch (error) {
      core.warning(`image-lock could not save its layer cache to ${name}: ${messageOf(error)}`);
    }
  }
}
