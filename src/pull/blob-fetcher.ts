import { LocalError, RegistryError, messageOf } from '../errors.js';
import type { BlobIngest } from '../layout/blob-ingest.js';
import type { BlobStore } from '../layout/blob-store.js';
import type { BlobReadiness } from '../tarball/load-archive.js';
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

export interface BlobFetcherOptions {
  store: BlobStore;
  /** Checks and downloads in flight, shared by every image. */
  limit: Limit;
  signal: AbortSignal;
  /** Told of every download before it starts, with the bytes it will bring. */
  onDownload: (size: number) => void;
  /** See `PullOptions.arrival`: awaited before the blob takes a slot, so a blob still on its way holds none. */
  arrival?: (digest: string) => Promise<void>;
  /**
   * Take a stored blob of its descriptor's size as it is, and hash it only when the load
   * asks for it (`ready`): the loads start at once, and hashing goes on beside them.
   */
  checkOnRead?: boolean;
}

/**
 * Makes blobs present and sound in the store, each once per run however many images
 * share it: a stored blob is re-hashed before use (it may have been restored from a
 * cache), up front or just before the load reads it (`checkOnRead`); a missing or
 * corrupt one is downloaded. Checks and downloads share one concurrency limit.
 */
export class BlobFetcher {
  private readonly blobs = new Map<string, Promise<BlobOrigin>>();
  private readonly requests = new Map<string, BlobRequest>();
  private readonly sizes = new Map<string, number>();
  /** Stored blobs taken unhashed (`checkOnRead`), until they are hashed. */
  private readonly unchecked = new Set<string>();
  /** Blobs the store held corrupt, fetched again. */
  readonly repaired: string[] = [];

  constructor(private readonly options: BlobFetcherOptions) {}

  ensure(request: BlobRequest): Promise<BlobOrigin> {
    let origin = this.blobs.get(request.digest);
    if (!origin) {
      const arrived = this.options.arrival?.(request.digest) ?? Promise.resolve();
      origin = arrived.then(() => this.options.limit(() => this.fetch(request)));
      this.blobs.set(request.digest, origin);
      this.requests.set(request.digest, request);
    }
    return origin;
  }

  /**
   * For the load archive: resolves when a blob asked for with `ensure` is in the store and
   * sound. A blob taken unhashed is hashed now, just before the load reads it, and fetched
   * again when corrupt: no daemon ever sees a corrupt byte (containerd would keep the
   * partial ingest and resume from it on the next load).
   */
  readonly ready: BlobReadiness = async (digest) => {
    const origin = this.blobs.get(digest);
    if (!origin) throw new Error(`the load asked for ${digest}, which no image of the pull uses`);
    await this.checked(digest, origin);
  };

  /** Each blob of the run once, with its size and origin: the run's totals. Blobs no load read are hashed first. */
  async settled(): Promise<{ digest: string; size: number; origin: BlobOrigin }[]> {
    await Promise.all([...this.blobs.entries()].map(([digest, origin]) => this.checked(digest, origin)));
    const entries = [...this.blobs.entries()];
    const origins = await Promise.all(entries.map(([, origin]) => origin));
    return entries.map(([digest], index) => ({ digest, size: this.sizes.get(digest)!, origin: origins[index] }));
  }

  /** `origin`, followed by the hash of a blob taken unhashed (once, however many ask). */
  private checked(digest: string, origin: Promise<BlobOrigin>): Promise<BlobOrigin> {
    if (!this.unchecked.has(digest)) return origin;
    const checked = origin.then(async (found) => {
      // Still unchecked: `origin` was the one taken unhashed, not a later repair.
      if (!this.unchecked.delete(digest)) return found;
      return (await this.options.store.verify(digest)) === 'valid' ? found : this.download(this.requests.get(digest)!, 'corrupt');
    });
    this.blobs.set(digest, checked);
    return checked;
  }

  private async fetch(request: BlobRequest): Promise<BlobOrigin> {
    const { store, signal, checkOnRead } = this.options;
    signal.throwIfAborted();
    if (checkOnRead && request.size !== undefined && (await store.size(request.digest)) === request.size) {
      this.unchecked.add(request.digest);
      this.sizes.set(request.digest, request.size);
      return 'cache';
    }
    const check = await store.verify(request.digest);
    if (check === 'valid') {
      this.sizes.set(request.digest, (await store.size(request.digest))!);
      return 'cache';
    }
    return this.download(request, check);
  }

  private async download(request: BlobRequest, check: 'missing' | 'corrupt'): Promise<BlobOrigin> {
    const { store, signal, onDownload } = this.options;
    if (check === 'corrupt') this.repaired.push(request.digest);
    onDownload(request.size ?? 0);
    const ingest = store.ingest(request.digest, request.size);
    try {
      await request.download(ingest);
      await store.commit(ingest);
    } catch (error) {
      await ingest.discard();
      // A full or unwritable store is a local problem (exit 2), whatever the registry did.
      if (signal.aborted || error instanceof LocalError) throw error;
      const state = check === 'corrupt' ? 'was corrupt in the cache' : 'is not in the cache';
      const status = error instanceof RegistryError ? error.status : undefined;
      throw new RegistryError(`${request.what} ${request.digest} ${state} and could not be fetched: ${messageOf(error)}`, status);
    }
    this.sizes.set(request.digest, ingest.written);
    return 'registry';
  }
}
