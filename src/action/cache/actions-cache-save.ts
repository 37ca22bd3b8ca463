import { Readable } from 'node:stream';
import type { BlobStore } from '../../layout/blob-store.js';
import { mapLimit } from '../../util/map-limit.js';
import { ENTRY_VERSION, blobEntryKey, buildIndex } from './cache-entries.js';
import { CacheWriteRefused, type CacheService } from './cache-service.js';

/** Entries uploaded at once. */
const UPLOAD_CONCURRENCY = 4;

/** What the post step sends to the Actions cache. */
export interface ActionsCachePlan {
  /** Layers the cache lacked when the job looked: one entry each. */
  uploads: string[];
  /** The index entry's key, when the cache had none for this configuration. */
  indexKey?: string;
  /** Every blob of the configuration, and which of them the index holds inline. */
  blobs: string[];
  small: string[];
}

export interface ActionsCacheSaved {
  /** Entries made, and the bytes sent for them. */
  entries: number;
  bytes: number;
  /** Layers another job saved between this job's look and its save. */
  alreadyThere: number;
}

/**
 * Uploads the layers, then the index (last, so an index never lists a layer whose
 * upload was refused). A refusal (read-only token, spent budget, rate limit past the
 * retries) stops the rest and is thrown once; other errors are thrown after the rest ran.
 */
export async function saveToActionsCache(service: CacheService, store: BlobStore, plan: ActionsCachePlan): Promise<ActionsCacheSaved> {
  const saved: ActionsCacheSaved = { entries: 0, bytes: 0, alreadyThere: 0 };
  const send = async (key: string, body: () => Readable, size: number) => {
    if (await service.save(key, ENTRY_VERSION, body, size)) {
      saved.entries++;
      saved.bytes += size;
    } else saved.alreadyThere++;
  };
  let failure: Error | undefined;
  await mapLimit(plan.uploads, UPLOAD_CONCURRENCY, async (digest) => {
    if (failure instanceof CacheWriteRefused) return;
    try {
      await send(blobEntryKey(digest), () => store.open(digest), (await store.size(digest))!);
    } catch (error) {
      const cause = error instanceof Error ? error : new Error(String(error));
      if (!failure || cause instanceof CacheWriteRefused) failure = cause;
    }
  });
  if (failure) throw failure;
  if (plan.indexKey) {
    const index = Buffer.from(JSON.stringify(await buildIndex(store, plan.blobs, plan.small)));
    await send(plan.indexKey, () => Readable.from([index]), index.length);
  }
  return saved;
}
