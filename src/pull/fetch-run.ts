import { BlobFetcher } from './blob-fetcher.js';
import type { ImageFetchContext } from './image-fetch.js';
import { createLimit } from './limit.js';
import { ProgressMeter } from './progress.js';
import type { PullOptions } from './pull.js';

const DEFAULT_CONCURRENCY = 8;
const DEFAULT_PROGRESS_INTERVAL_MS = 5000;

/**
 * The fetch's shared parts: one concurrency limit and one abort for every image. `settle`
 * waits for a batch of work; its first failure aborts the rest of the run, and the
 * batch settles before it is thrown, so no download outlives the call.
 */
export function startFetch(options: PullOptions, checkOnRead: boolean) {
  const controller = new AbortController();
  const meter = new ProgressMeter(options.onProgress, options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS);
  const fetcher = new BlobFetcher({
    store: options.store,
    limit: createLimit(options.concurrency ?? DEFAULT_CONCURRENCY),
    signal: controller.signal,
    onDownload: (size) => meter.expect(size),
    arrival: options.arrival,
    checkOnRead
  });
  const context: ImageFetchContext = {
    store: options.store,
    client: options.client,
    fetcher,
    signal: controller.signal,
    onBytes: (count: number) => meter.add(count)
  };
  const settle = async <T>(work: Promise<T>[]): Promise<T[]> => {
    const settled = await Promise.allSettled(
      work.map((one) =>
        one.catch((error: unknown) => {
          controller.abort(error);
          throw error;
        })
      )
    );
    const failure = settled.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
    return settled.map((result) => (result as PromiseFulfilledResult<T>).value);
  };
  return { fetcher, context, settle };
}
