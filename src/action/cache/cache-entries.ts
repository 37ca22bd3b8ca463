import { createHash } from 'node:crypto';
import type { BlobStore } from '../../layout/blob-store.js';
import type { CacheService } from './cache-service.js';

/**
 * The Actions cache's layout: an entry per layer, keyed by its digest and holding its bytes
 * as the registry serves them, so any job, workflow or branch pulling that layer shares
 * it; and an index entry per job configuration (`CacheKey.key`) listing the configuration's
 * blobs and holding its small ones (indexes, manifests, configs), so one lookup tells a
 * job which layer entries to fetch before it has read a manifest.
 */
export interface CacheIndex {
  /** Every blob the configuration's images use. */
  blobs: string[];
  /** The small blobs, base64: fetched with the index instead of one entry each. */
  small: Record<string, string>;
}

/** What an entry holds is ours to define: bumped when it changes, the version makes old entries invisible. */
export const ENTRY_VERSION = createHash('sha256').update('image-lock layer cache v2: raw blob bytes').digest('hex');

export function blobEntryKey(digest: string): string {
  return `image-lock-v2-blob-${digest.replace(':', '-')}`;
}

/** Fetches the index entry `key`; undefined on a miss. */
export async function readIndex(service: CacheService, key: string): Promise<CacheIndex | undefined> {
  const url = await service.lookup(key, ENTRY_VERSION);
  if (!url) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of await service.download(url)) chunks.push(chunk as Buffer);
  const index = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Partial<CacheIndex>;
  if (!Array.isArray(index.blobs) || typeof index.small !== 'object' || index.small === null)
    throw new Error(`the index entry ${key} is not an image-lock index`);
  return { blobs: index.blobs.map(String), small: index.small };
}

/** The index for `blobs`, small ones (read from the store) held inline. */
export async function buildIndex(store: BlobStore, blobs: string[], small: string[]): Promise<CacheIndex> {
  const inline = await Promise.all(small.map(async (digest) => [digest, (await store.read(digest)).toString('base64')]));
  return { blobs: [...blobs].sort(), small: Object.fromEntries(inline) as Record<string, string> };
}

/** Writes the index's small blobs into the store, each verified like any other ingest. */
export async function storeSmallBlobs(store: BlobStore, index: CacheIndex): Promise<void> {
  for (const [digest, base64] of Object.entries(index.small)) {
    if ((await store.size(digest)) !== undefined) continue;
    const ingest = store.ingest(digest);
    try {
      await ingest.append([Buffer.from(base64, 'base64')]);
      await store.commit(ingest);
    } catch (error) {
      await ingest.discard();
      throw error;
    }
  }
}

/** Brings the layer entry of `digest` into the store, verified while it streams; false on a miss. */
export async function restoreBlob(service: CacheService, store: BlobStore, digest: string): Promise<boolean> {
  const url = await service.lookup(blobEntryKey(digest), ENTRY_VERSION);
  if (!url) return false;
  const ingest = store.ingest(digest);
  try {
    await ingest.append(await service.download(url));
    await store.commit(ingest);
  } catch (error) {
    await ingest.discard();
    throw error;
  }
  return true;
}
