import { RegistryError } from '../errors.js';
import type { BlobIngest } from '../layout/blob-ingest.js';
import type { Reference } from '../name/reference.js';
import type { RegistryClient } from '../remote/registry-client.js';
import { DEFAULT_RETRY_POLICY, backoffDelay, isRetryableError, sleep } from '../transport/retry.js';
import { isStall } from '../transport/stall.js';

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
 * A stall (no byte for the timeout) is not a dropped connection: the whole download
 * gets one more try after one, as a manifest does, so a registry that stops mid-layer
 * fails the pull in about twice the timeout, not in one timeout per resume.
 */
export async function downloadBlob(client: RegistryClient, repo: Reference, ingest: BlobIngest, options: DownloadOptions): Promise<void> {
  const stalls = client.stallBudget(repo);
  for (let resumes = 0; ; resumes++) {
    options.signal.throwIfAborted();
    try {
      if (await downloadRest(client, repo, ingest, options)) return;
      // A body that ends cleanly but short (no Content-Length to hold it to) is cut off too.
      if (resumes >= MAX_RESUMES) throw new RegistryError(`blob ${repo.name}@${ingest.digest} keeps ending early`);
    } catch (error) {
      options.signal.throwIfAborted();
      if (isStall(error)) stalls.spend();
      else if (resumes >= MAX_RESUMES || !isInterruption(error)) throw error;
    }
    await sleep(backoffDelay(DEFAULT_RETRY_POLICY, resumes));
  }
}

/** One request for the bytes the ingest lacks; true when the blob is then whole (or its size unknown). */
async function downloadRest(client: RegistryClient, repo: Reference, ingest: BlobIngest, options: DownloadOptions): Promise<boolean> {
  const { body, offset } = await client.openBlob(repo, ingest.digest, ingest.written);
  if (offset !== ingest.written) await ingest.restart();
  const abort = () => body.destroy(options.signal.reason as Error);
  options.signal.addEventListener('abort', abort, { once: true });
  try {
    await ingest.append(body, options.onBytes);
  } catch (error) {
    body.destroy();
    throw error;
  } finally {
    options.signal.removeEventListener('abort', abort);
  }
  return ingest.expectedSize === undefined || ingest.written >= ingest.expectedSize;
}

/** A connection lost mid-body, as opposed to a wrong blob or a full disk. */
function isInterruption(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return isRetryableError(error) || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH';
}
