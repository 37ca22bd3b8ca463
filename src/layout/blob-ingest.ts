import { createHash, type Hash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { join } from 'node:path';
import { RegistryError } from '../errors.js';
import { localError } from '../fs/local-error.js';
import { tempName } from '../fs/temp-files.js';

/**
 * Bytes handed to the file before waiting for the disk: enough that the network is
 * read while earlier chunks are written, small enough to keep memory flat.
 */
const WRITE_BUFFER = 1 << 20;

/** Prefix of the temporary files blobs are written to before they are renamed into place. */
export const INGEST_PREFIX = '.ingest-';

/**
 * One blob being written: bytes go to a temporary file beside the blob's final path
 * and through a running sha256, so the blob is never held in memory and is only renamed
 * into place once its digest and size are right. The file and the hash stay open
 * between appends, so an interrupted download goes on from `written` (a Range request)
 * instead of starting over. A write that fails (a full disk) is a `LocalError` naming the
 * store, met at the next append or at commit: never an unhandled 'error' event.
 */
export class BlobIngest {
  private hash: Hash = createHash('sha256');
  private out: WriteStream;
  private failure: Error | undefined;
  private bytes = 0;
  private closed = false;
  readonly tempPath: string;

  constructor(
    dir: string,
    readonly digest: string,
    /** The size the descriptor states: more bytes than this is an error, not a longer blob. */
    readonly expectedSize?: number,
    /** The store as the user named it, for messages. */
    private readonly storeLabel = dir
  ) {
    this.tempPath = join(dir, tempName(`${INGEST_PREFIX}${digest.slice('sha256:'.length)}`));
    this.out = this.openFile();
  }

  /** Bytes received so far: where a resumed download starts. */
  get written(): number {
    return this.bytes;
  }

  /** Appends `source` to the blob; `onBytes` hears of every chunk, for progress. */
  async append(source: AsyncIterable<Buffer | Uint8Array> | Iterable<Buffer>, onBytes?: (count: number) => void): Promise<void> {
    for await (const chunk of source) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      if (this.expectedSize !== undefined && this.bytes + buffer.length > this.expectedSize) {
        throw new RegistryError(`blob ${this.digest} is larger than the ${this.expectedSize} bytes its descriptor states`);
      }
      this.hash.update(buffer);
      this.bytes += buffer.length;
      onBytes?.(buffer.length);
      this.throwIfFailed();
      if (!this.out.write(buffer)) await this.drained();
    }
    this.throwIfFailed();
  }

  /** Drops what was written, for a server that answered a Range request with the whole blob. */
  async restart(): Promise<void> {
    await this.closeFile();
    this.out = this.openFile();
    this.closed = false;
    this.hash = createHash('sha256');
    this.bytes = 0;
  }

  /** Checks size and digest, then renames the blob into place; the temporary file goes either way. */
  async commit(finalPath: string): Promise<void> {
    try {
      await this.closeFile();
      const actual = `sha256:${this.hash.digest('hex')}`;
      if (this.expectedSize !== undefined && this.bytes !== this.expectedSize) {
        throw new RegistryError(`blob ${this.digest} ended after ${this.bytes} of its ${this.expectedSize} bytes`);
      }
      if (actual !== this.digest) throw new RegistryError(`blob ${this.digest} does not match its digest (got ${actual})`);
      await rename(this.tempPath, finalPath).catch((error: unknown) => {
        throw localError(error, `cannot write to the blob store ${this.storeLabel}`);
      });
    } finally {
      await rm(this.tempPath, { force: true });
    }
  }

  async discard(): Promise<void> {
    await this.closeFile().catch(() => undefined);
    await rm(this.tempPath, { force: true });
  }

  private openFile(): WriteStream {
    const out = createWriteStream(this.tempPath, { highWaterMark: WRITE_BUFFER });
    // Kept, not thrown: the stream fails between appends too, when no one awaits it.
    out.on('error', (error) => (this.failure ??= error));
    return out;
  }

  private throwIfFailed(): void {
    if (this.failure) throw localError(this.failure, `cannot write to the blob store ${this.storeLabel}`);
  }

  private async drained(): Promise<void> {
    try {
      await once(this.out, 'drain');
    } catch {
      this.throwIfFailed();
    }
  }

  private async closeFile(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.out.end();
    try {
      await finished(this.out);
    } catch (error) {
      this.failure ??= error as Error;
      this.throwIfFailed();
    }
  }
}
