import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open as openFile, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { checkWritable } from '../fs/confine.js';
import { localError } from '../fs/local-error.js';
import { removeStaleTemps } from '../fs/temp-files.js';
import { BlobIngest, INGEST_PREFIX } from './blob-ingest.js';
import { digestHex, isSha256Hex } from './digest.js';

/** What re-hashing a stored blob found. */
export type BlobCheck = 'valid' | 'missing' | 'corrupt';

export interface PruneResult {
  /** Digests of the blobs removed. */
  removed: string[];
  bytes: number;
}

/** How partial blobs were named before they carried their writer's pid. */
const LEGACY_INGEST = /^\.ingest-[a-f0-9]{64}-[a-f0-9]{8}$/;

const OCI_LAYOUT = `${JSON.stringify({ imageLayoutVersion: '1.0.0' })}\n`;
const VERIFY_BUFFER = 1 << 20;

/**
 * A content-addressed blob store laid out as an OCI image layout (`oci-layout`,
 * `blobs/sha256/<hex>`), so each blob is stored once whichever images share it.
 * Blobs arrive through a `BlobIngest` (hashed while streaming, renamed into place
 * when right); a blob that is in place was right when written, but one restored
 * from a cache must go through `verify` before it is used.
 */
export class BlobStore {
  private readonly blobDir: string;

  private constructor(readonly root: string) {
    this.blobDir = join(root, 'blobs', 'sha256');
  }

  /**
   * Opens the layout at `root`, creating it when missing, before any network work: a
   * store that cannot be written is a `LocalError` naming it. Partial blobs a killed run
   * left (`.ingest-*`) are removed; those of a run going on beside this one stay.
   */
  static async open(root: string): Promise<BlobStore> {
    const store = new BlobStore(root);
    const label = `the blob store ${root}`;
    try {
      await mkdir(store.blobDir, { recursive: true });
      await writeFile(join(root, 'oci-layout'), OCI_LAYOUT, { flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
    } catch (error) {
      throw localError(error, `cannot create ${label}`);
    }
    await checkWritable(join(store.blobDir, INGEST_PREFIX), label);
    await removeStaleTemps(store.blobDir, INGEST_PREFIX, LEGACY_INGEST);
    return store;
  }

  path(digest: string): string {
    return join(this.blobDir, digestHex(digest));
  }

  /** The stored blob's size, or undefined when it is not stored. */
  async size(digest: string): Promise<number | undefined> {
    try {
      return (await stat(this.path(digest))).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  open(digest: string): Readable {
    return createReadStream(this.path(digest), { highWaterMark: 1 << 20 });
  }

  /** A small blob (manifest, config) read whole; callers have verified or just written it. */
  read(digest: string): Promise<Buffer> {
    return readFile(this.path(digest));
  }

  /**
   * Re-hashes a stored blob. A corrupt one is removed at once, so that it is fetched
   * again rather than loaded, and never saved back to a cache.
   */
  async verify(digest: string): Promise<BlobCheck> {
    let file;
    try {
      file = await openFile(this.path(digest));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
      throw error;
    }
    const hash = createHash('sha256');
    try {
      // One buffer read into again and again: a stream would leave a new one per chunk
      // for the collector, hundreds of megabytes of them over a large cache.
      const buffer = Buffer.allocUnsafe(VERIFY_BUFFER);
      for (let read; (read = (await file.read(buffer, 0, buffer.length, null)).bytesRead) > 0;) hash.update(buffer.subarray(0, read));
    } finally {
      await file.close();
    }
    if (`sha256:${hash.digest('hex')}` === digest) return 'valid';
    await rm(this.path(digest), { force: true });
    return 'corrupt';
  }

  /** Starts writing a blob; finish with `commit`, or `discard` on failure. */
  ingest(digest: string, expectedSize?: number): BlobIngest {
    digestHex(digest);
    return new BlobIngest(this.blobDir, digest, expectedSize, this.root);
  }

  commit(ingest: BlobIngest): Promise<void> {
    return ingest.commit(this.path(ingest.digest));
  }

  /** Digests of every stored blob. */
  async list(): Promise<string[]> {
    const names = await readdir(this.blobDir);
    return names.filter(isSha256Hex).map((hex) => `sha256:${hex}`);
  }

  /**
   * Removes every blob not in `keep`, and leftovers of interrupted ingests, so a cache
   * saved from the store holds only what the current lockfile references. An ingest of
   * a run still going on beside this one is not a leftover: the same rule as `open`.
   */
  async prune(keep: Iterable<string>): Promise<PruneResult> {
    const kept = new Set(keep);
    const result: PruneResult = { removed: [], bytes: 0 };
    for (const name of await readdir(this.blobDir)) {
      const digest = `sha256:${name}`;
      if (!isSha256Hex(name) || kept.has(digest)) continue;
      const path = join(this.blobDir, name);
      const { size } = await stat(path);
      await rm(path, { force: true });
      result.removed.push(digest);
      result.bytes += size;
    }
    await removeStaleTemps(this.blobDir, INGEST_PREFIX, LEGACY_INGEST);
    return result;
  }
}
