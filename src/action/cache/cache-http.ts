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

/** Longer than the registry's: a repository may make 200 new entries a minute, so a 429 can mean waiting most of one. */
export const CACHE_RETRY_POLICY: RetryPolicy = { ...DEFAULT_RETRY_POLICY, retries: 5, baseDelayMs: 1000 };

/** The service refused to keep a new entry: a read-only token (a fork's pull request), a spent budget, or a rate limit outlasting the retries. */
export class CacheWriteRefused extends Error {}

/** The service's final answer to a request, other than a success. */
export class CacheServiceError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message);
  }
}

export interface ServiceRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** Held whole, never a stream, so a retry can send it again. */
  body?: string | Buffer;
}

export interface ServiceAnswer {
  status: number;
  /** The JSON object answered; empty when the answer had no body. */
  body: Record<string, unknown>;
}

/**
 * Requests to the cache service with the runner's token, whichever protocol: 429s, 5xxs
 * and dropped connections are retried with backoff (honouring Retry-After), a 429 past
 * the retries is a `CacheWriteRefused`, any other failure a `CacheServiceError`.
 */
export class CacheServiceClient {
  constructor(
    private readonly token: string,
    private readonly retry: RetryPolicy
  ) {}

  async request(what: string, { method, url, headers, body }: ServiceRequest): Promise<ServiceAnswer> {
    for (let attempt = 0; ; attempt++) {
      let retryAfter: string | undefined;
      try {
        const response = await fetch(url, { method, headers: { authorization: `Bearer ${this.token}`, ...headers }, body });
        const text = await response.text();
        if (response.ok) return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
        const error = new CacheServiceError(response.status, `${what}: ${response.status} ${serviceMessage(text)}`);
        if (!isRetryableStatus(response.status) || attempt >= this.retry.retries) throw error;
        retryAfter = response.headers.get('retry-after') ?? undefined;
      } catch (error) {
        if (error instanceof CacheServiceError && error.status === 429 && attempt >= this.retry.retries)
          throw new CacheWriteRefused(`rate limited by the cache service after ${attempt + 1} attempts`);
        if (
          error instanceof CacheServiceError ||
          !isRetryableError((error as { cause?: unknown }).cause ?? error) ||
          attempt >= this.retry.retries
        )
          throw error;
      }
      await sleep(backoffDelay(this.retry, attempt, parseRetryAfter(retryAfter)));
    }
  }
}

/**
 * What a refused reservation means: another job holds the key (409, false: the entry is
 * there), or a refusal to keep anything (another 4xx); a 5xx past the retries is rethrown.
 */
export function refusedReservation(error: unknown, key: string): false {
  if (error instanceof CacheServiceError && error.status === 409) return false;
  if (error instanceof CacheServiceError && error.status < 500)
    throw new CacheWriteRefused(`the cache service refused to keep ${key}: ${error.message}`);
  throw error;
}

/** The reason in an error body: Twirp's `msg`, the v1 REST API's `message`, else the text as it came. */
function serviceMessage(text: string): string {
  try {
    const { msg, message } = JSON.parse(text) as { msg?: unknown; message?: unknown };
    return typeof msg === 'string' ? msg : typeof message === 'string' ? message : text;
  } catch {
    return text;
  }
}

/** One request to the cache's storage (a signed URL); the body is streamed, never held. */
export async function sendToStorage(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: Readable
): Promise<IncomingMessage> {
  const request = (url.startsWith('https:') ? httpsRequest : httpRequest)(url, { method, headers });
  const response = new Promise<IncomingMessage>((resolve, reject) => request.once('response', resolve).once('error', reject));
  if (body) await pipeline(body, request);
  else request.end();
  return response;
}
