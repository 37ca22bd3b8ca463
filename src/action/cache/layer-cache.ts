import * as core from '@actions/core';
import { BlobStore } from '../../layout/blob-store.js';
import { messageOf } from '../../errors.js';
import type { PullReport } from '../../commands/pull.js';
import { ActionsCacheTier } from './actions-cache-tier.js';
import { saveToActionsCache, type ActionsCachePlan } from './actions-cache-save.js';
import type { CacheKey } from './cache-key.js';
import { CacheService } from './cache-service.js';
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
  actionsCache?: ActionsCachePlan;
  toToolCache: boolean;
}

const STATE = 'image-lock-layer-cache';

/** The caches of one job: the tool cache already copied into the store, the Actions cache still restoring. */
export interface LayerCacheRun {
  toolCache?: TierRestore;
  actionsCache?: ActionsCacheTier;
  started: number;
}

/**
 * Fills the job's store from the caches, nearest first: the runner's tool cache (copied
 * in before the pull), then the Actions cache, whose restore goes on while the pull runs
 * (hand `actionsCache.arrival` to it). The pull verifies every blob either one brought.
 */
export async function startLayerCache(key: CacheKey, store: BlobStore): Promise<LayerCacheRun> {
  const run: LayerCacheRun = { started: Date.now() };
  if (ToolCacheTier.available()) {
    run.toolCache = await new ToolCacheTier(key).restore(store).catch((error: unknown) => {
      core.warning(`image-lock could not restore its layer cache from the tool cache: ${messageOf(error)}`);
      return { match: 'none' as const, ms: Date.now() - run.started };
    });
  }
  const service = CacheService.fromEnv();
  if (service) {
    run.actionsCache = new ActionsCacheTier(service, key, store);
    await run.actionsCache.start();
  }
  return run;
}

/** What the tiers gave, once the Actions cache's restores have settled (the pull awaited each it used). */
export async function settleLayerCache(run: LayerCacheRun): Promise<LayerCacheRestore> {
  const actionsCache = await run.actionsCache?.settled();
  return {
    ...(run.toolCache ? { toolCache: run.toolCache } : {}),
    ...(actionsCache ? { actionsCache } : {}),
    ms: Date.now() - run.started
  };
}

/**
 * Records for the post step what to save where: to the Actions cache the layers it lacked
 * and, when it had none, this configuration's index; to the tool cache (rewritable) when
 * something new was fetched or it lacks this configuration.
 */
export function planLayerCacheSave(
  key: CacheKey,
  run: LayerCacheRun,
  restore: LayerCacheRestore,
  report: PullReport,
  small: string[]
): void {
  const fetchedNew = report.bytesFromRegistry > 0;
  const actionsCache =
    run.actionsCache && CacheService.writable() ? actionsCachePlan(key, run.actionsCache, restore, report.blobs, small) : undefined;
  const save: LayerCacheSave = {
    storeDir: report.cacheDir,
    key,
    blobs: report.blobs,
    ...(actionsCache ? { actionsCache } : {}),
    toToolCache: ToolCacheTier.persists() && (fetchedNew || restore.toolCache?.match !== 'exact')
  };
  if (save.actionsCache || save.toToolCache) core.saveState(STATE, JSON.stringify(save));
}

/** The layers the Actions cache lacked when the job looked, and the index when it had none; undefined when nothing is new. */
export function actionsCachePlan(
  key: CacheKey,
  tier: ActionsCacheTier,
  restore: LayerCacheRestore,
  blobs: string[],
  small: string[]
): ActionsCachePlan | undefined {
  const uploads = blobs.filter((digest) => !small.includes(digest) && tier.missed.has(digest));
  const indexKey = restore.actionsCache?.match === 'exact' ? undefined : key.key;
  if (uploads.length === 0 && !indexKey) return undefined;
  return { uploads, ...(indexKey ? { indexKey } : {}), blobs, small };
}

/** The post step's work: prune the store to the current lockfile's blobs, then save it to each tier planned. */
export async function saveLayerCache(): Promise<void> {
  const text = core.getState(STATE);
  if (!text) return core.info('image-lock: nothing to save to the layer cache');
  const save = JSON.parse(text) as LayerCacheSave;
  const store = await BlobStore.open(save.storeDir);
  const pruned = await store.prune(save.blobs);
  if (pruned.removed.length > 0)
    core.info(`image-lock: left ${pruned.removed.length} blob(s) the lockfile no longer uses out of the cache`);
  const service = CacheService.fromEnv();
  if (save.actionsCache && service) {
    const plan = save.actionsCache;
    const started = Date.now();
    await saveToActionsCache(service, store, plan).then(
      (saved) =>
        core.info(
          `image-lock: saved ${saved.entries} entr${saved.entries === 1 ? 'y' : 'ies'} (${saved.bytes} bytes: ${plan.uploads.length} layer(s)` +
            `${plan.indexKey ? ` and the index ${plan.indexKey}` : ''}) to the Actions cache in ${Date.now() - started} ms` +
            (saved.alreadyThere > 0 ? `; ${saved.alreadyThere} another job saved first` : '')
        ),
      (error: unknown) => core.warning(`image-lock could not save its layer cache to the Actions cache: ${messageOf(error)}`)
    );
  }
  if (save.toToolCache) {
    const started = Date.now();
    try {
      await new ToolCacheTier(save.key).save(save.storeDir);
      core.info(`image-lock: saved ${save.blobs.length} blob(s) to the tool cache in ${Date.now() - started} ms (key ${save.key.key})`);
    } catch (error) {
      core.warning(`image-lock could not save its layer cache to the tool cache: ${messageOf(error)}`);
    }
  }
}
