import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import {
  DEFAULT_RETRY_POLICY,
  backoffDelay,
  type RetryPolicy,
  isRetryableError,
  isRetryableStatus,
  parseRetryAfter,
  sleep
} from '../../transport/retry.js';

const ROUTE = 'twirp/github.actions.results.api.v1.CacheService/';
/** Longer than the registry's: a repository may make 200 new entries a minute, so a 429 can mean waiting most of one. */
const RETRY_POLICY: RetryPolicy = { ...DEFAULT_RETRY_POLICY, retries: 5, baseDelayMs: 1000 };

/** The service refused to keep a new entry: a read-only token (a fork's pull request), a spent budget, or a rate limit outlasting the retries. */
export class CacheWriteRefused extends Error {}

/**
 * The Actions cache service (v2, the Twirp API github.com runs) spoken directly rather
 * than through @actions/cache, whose entries are tar archives recompressed with zstd and
 * versioned by the paths archived: here an entry is one blob's bytes as they are
 * (already compressed), its version ours, so any job finds it whatever its paths.
 * 429s and 5xxs are retried with backoff; @actions/cache gives up at the first 429.
 */
export class CacheService {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly retry = RETRY_POLICY
  ) {}

  /** The runner's service, when this job may use it (v2 service, a cache mode that is not `none`). */
  static fromEnv(env = process.env): CacheService | undefined {
    const url = env.ACTIONS_RESULTS_URL;
    const mode = (env.ACTIONS_CACHE_MODE ?? '').trim().toLowerCase();
    if (!env.ACTIONS_CACHE_SERVICE_V2 || !url || !env.ACTIONS_RUNTIME_TOKEN || mode === 'none' || mode === 'write-only') return undefined;
    return new CacheService(url.endsWith('/') ? url : `${url}/`, env.ACTIONS_RUNTIME_TOKEN);
  }

  /** Whether the runner lets this job write entries (`ACTIONS_CACHE_MODE` other than `read`). */
  static writable(env = process.env): boolean {
    return (env.ACTIONS_CACHE_MODE ?? '').trim().toLowerCase() !== 'read';
  }

  /** A signed URL to read the entry, or undefined on a miss. */
  async lookup(key: string, version: string): Promise<string | undefined> {
    const body = await this.call('GetCacheEntryDownloadURL', { key, restore_keys: [], version });
    return body.ok === true && body.matched_key === key ? String(body.signed_download_url) : undefined;
  }

  async download(url: string): Promise<Readable> {
    const response = await send(url, 'GET', {});
    if (response.statusCode !== 200) {
      response.resume();
      throw new Error(`the cache's storage answered ${response.statusCode} to a download`);
    }
    return response;
  }

  /** Reserves, uploads and finalizes an entry; false when another job holds the key already. */
  async save(key: string, version: string, body: () => Readable, size: number): Promise<boolean> {
    let reserved: Record<string, unknown>;
    try {
      reserved = await this.call('CreateCacheEntry', { key, version });
    } catch (error) {
      if (error instanceof TwirpError && error.status === 409) return false;
      if (error instanceof TwirpError && error.status < 500)
        throw new CacheWriteRefused(`the cache service refused to keep ${key}: ${error.message}`);
      throw error;
    }
    if (reserved.ok !== true)
      throw new CacheWriteRefused(
        `the cache service refused to keep ${key}: ${typeof reserved.message === 'string' ? reserved.message : 'no reason given'}`
      );
    const headers = { 'x-ms-blob-type': 'BlockBlob', 'x-ms-version': '2024-08-04', 'content-length': String(size) };
    const response = await send(String(reserved.signed_upload_url), 'PUT', headers, body());
    response.resume();
    if (response.statusCode !== 201) throw new Error(`the cache's storage answered ${response.statusCode} to the upload of ${key}`);
    await this.call('FinalizeCacheEntryUpload', { key, version, size_bytes: String(size) });
    return true;
  }

  private async call(method: string, body: object): Promise<Record<string, unknown>> {
    for (let attempt = 0; ; attempt++) {
      let retryAfter: string | undefined;
      try {
        const response = await fetch(`${this.baseUrl}${ROUTE}${method}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body)
        });
        const text = await response.text();
        if (response.ok) return JSON.parse(text) as Record<string, unknown>;
        const error = new TwirpError(response.status, `${method}: ${response.status} ${twirpMessage(text)}`);
        if (!isRetryableStatus(response.status) || attempt >= this.retry.retries) throw error;
        retryAfter = response.headers.get('retry-after') ?? undefined;
      } catch (error) {
        if (error instanceof TwirpError && error.status === 429 && attempt >= this.retry.retries)
          throw new CacheWriteRefused(`rate limited by the cache service after ${attempt + 1} attempts`);
        if (
          error instanceof TwirpError ||
          !isRetryableError((error as { cause?: unknown }).cause ?? error) ||
          attempt >= this.retry.retries
        )
          throw error;
      }
      await sleep(backoffDelay(this.retry, attempt, parseRetryAfter(retryAfter)));
    }
  }
}

class TwirpError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message);
  }
}

function twirpMessage(text: string): string {
  try {
    const { msg } = JSON.parse(text) as { msg?: unknown };
    return typeof msg === 'string' ? msg : text;
  } catch {
    return text;
  }
}

/** One request to the cache's storage (a signed Azure Blob URL); the body is streamed, never held. */
async function send(url: string, method: string, headers: Record<string, string>, body?: Readable): Promise<IncomingMessage> {
  const request = (url.startsWith('https:') ? httpsRequest : httpRequest)(url, { method, headers });
  const response = new Promise<IncomingMessage>((resolve, reject) => request.once('response', resolve).once('error', reject));
  if (body) await pipeline(body, request);
  else request.end();
  return response;
}
