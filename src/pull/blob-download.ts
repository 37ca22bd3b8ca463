import { RegistryError } from '../errors.js';
import type { BlobIngest } from '../layout/blob-ingest.js';
import type { Reference } from '../name/reference.js';
import type { RegistryClient } from '../remote/registry-client.js';
import { DEFAULT_RETRY_POLICY, backoffDelay, isRetryableError, sleep } from '../transport/retry.js';

/** How many times one blob's download may be cut off and taken up again. */
const MAX_RESUMES = 5;

export interface DownloadOptions {
  /** Aborts the download (another image failed: nothing will be loaded). */
  signal: AbortSignal;
  onBytes: (count: number) => void;
}

/**
 * Streams a blob from the registry into `ingest`. When the connection drops part way,
 * the download goes on from the bytes already written with a Range request; a
 * registry that ignores Range sends the whole blob again and the ingest starts over.
 */
export async function downloadBlob(client: RegistryClient, repo: Reference, ingest: BlobIngest, options: DownloadOptions): Promise<void> {
  for (let resumes = 0; ; resumes++) {
    options.signal.throwIfAborted();
    const { body, offset } = await client.openBlob(repo, ingest.digest, ingest.written);
    if (offset !== ingest.written) await ingest.restart();
    const abort = () => body.destroy(options.signal.reason as Error);
    options.signal.addEventListener('abort', abort, { once: true });
    try {
      await ingest.append(body, options.onBytes);
      // A body that ends cleanly but short (no Content-Length to hold it to) is cut off too.
      if (ingest.expectedSize === undefined || ingest.written >= ingest.expectedSize) return;
      if (resumes >= MAX_RESUMES) throw new RegistryError(`blob ${repo.name}@${ingest.digest} keeps ending early`);
    } catch (error) {
      body.destroy();
      options.signal.throwIfAborted();
      if (resumes >= MAX_RESUMES || !isInterruption(error)) throw error;
    } finally {
      options.signal.removeEventListener('abort', abort);
    }
    await sleep(backoffDelay(DEFAULT_RETRY_POLICY, resumes));
  }
}

/** A connection lost mid-body, as opposed to a wrong blob or a full disk. */
function isInterruption(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return isRetryableError(error) || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH';
}
