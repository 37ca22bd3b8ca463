import { LocalError, RegistryError, messageOf } from '../errors.js';
import type { BlobIngest } from '../layout/blob-ingest.js';
import type { BlobStore } from '../layout/blob-store.js';
import type { Limit } from './limit.js';

/** Where a blob came from in this run. */
export type BlobOrigin = 'cache' | 'registry';

export interface BlobRequest {
  digest: string;
  /** The descriptor's size, when known (manifests are fetched by digest alone). */
  size?: number;
  /** What the blob is, for error messages: `layer of docker.io/library/nginx:1.25`. */
  what: string;
  /** Writes the blob from the registry into the ingest. */
  download: (ingest: BlobIngest) => Promise<void>;
}

/**
 * Makes blobs present and sound in the store, each once per run however many images
 * share it: a stored blob is re-hashed before use (it may have been restored from a
 * cache), a missing or corrupt one is downloaded. Checks and downloads share one
 * concurrency limit.
 */
export class BlobFetcher {
  private readonly blobs = new Map<string, Promise<BlobOrigin>>();
  private readonly sizes = new Map<string, number>();
  /** Blobs the store held corrupt, fetched again. */
  readonly repaired: string[] = [];

  constructor(
    private readonly store: BlobStore,
    private readonly limit: Limit,
    private readonly signal: AbortSignal,
    /** Told of every download before it starts, with the bytes it will bring. */
    private readonly onDownload: (size: number) => void,
    /** See `PullOptions.arrival`: awaited before the blob takes a slot, so a blob still on its way holds none. */
    private readonly arrival?: (digest: string) => Promise<void>
  ) {}

  ensure(request: BlobRequest): Promise<BlobOrigin> {
    let origin = this.blobs.get(request.digest);
    if (!origin) {
      const arrived = this.arrival?.(request.digest) ?? Promise.resolve();
      origin = arrived.then(() => this.limit(() => this.fetch(request)));
      this.blobs.set(request.digest, origin);
    }
    return origin;
  }

  /** Each blob of the run once, with its size and origin: the run's totals. */
  async settled(): Promise<{ digest: string; size: number; origin: BlobOrigin }[]> {
    const entries = [...this.blobs.entries()];
    const origins = await Promise.all(entries.map(([, origin]) => origin));
    return entries.map(([digest], index) => ({ digest, size: this.sizes.get(digest)!, origin: origins[index] }));
  }

  private async fetch(request: BlobRequest): Promise<BlobOrigin> {
    this.signal.throwIfAborted();
    const check = await this.store.verify(request.digest);
    if (check === 'valid') {
      this.sizes.set(request.digest, (await this.store.size(request.digest))!);
      return 'cache';
    }
    if (check === 'corrupt') this.repaired.push(request.digest);
    this.onDownload(request.size ?? 0);
    const ingest = this.store.ingest(request.digest, request.size);
    try {
      await request.download(ingest);
      await this.store.commit(ingest);
    } catch (error) {
      await ingest.discard();
      // A full or unwritable store is a local problem (exit 2), whatever the registry did.
      if (this.signal.aborted || error instanceof LocalError) throw error;
      const state = check === 'corrupt' ? 'was corrupt in the cache' : 'is not in the cache';
      const status = error instanceof RegistryError ? error.status : undefined;
      throw new RegistryError(`${request.what} ${request.digest} ${state} and could not be fetched: ${messageOf(error)}`, status);
    }
    this.sizes.set(request.digest, ingest.written);
    return 'registry';
  }
}
