import { setImmediate } from 'node:timers/promises';
import { Agent, request, type Dispatcher } from 'undici';
import { RegistryError } from '../errors.js';
import {
  DEFAULT_RETRY_POLICY,
  backoffDelay,
  isRetryableError,
  isRetryableStatus,
  parseRetryAfter,
  sleep,
  type RetryPolicy
} from './retry.js';
import { DEFAULT_STALL_TIMEOUT_MS, StallBudget, isStall, retryStalls, stallError } from './stall.js';

export type Headers = Record<string, string | string[] | undefined>;

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: Dispatcher.ResponseData['body'];
  /** Where the response came from, after redirects. */
  url: URL;
}

export interface HttpRequest {
  method?: 'GET' | 'HEAD' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

export interface HttpClientOptions {
  retry?: RetryPolicy;
  userAgent?: string;
  /** Extra CA certificates (PEM) to trust, for registries behind a private CA. */
  ca?: string | string[];
  /** No byte (headers or body) for this long and a response has stalled (default 20 s). */
  timeoutMs?: number;
  /** Told of every response (after redirects), for request accounting. */
  onResponse?: (method: string, url: URL, status: number) => void;
}

const MAX_REDIRECTS = 5;

/**
 * HTTP for registries: one keep-alive pool per origin (undici's Agent), retries with
 * back-off that honour `Retry-After`, and redirects followed by hand so that an
 * `Authorization` header never travels to another origin (blob storage behind a
 * redirect gets a signed URL, not the registry's credentials).
 */
export class HttpClient {
  private readonly agent: Agent;
  private readonly retry: RetryPolicy;
  readonly timeoutMs: number;

  constructor(private readonly options: HttpClientOptions = {}) {
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
    this.agent = new Agent({
      keepAliveTimeout: 30_000,
      // undici's body timeout is the longest wait for the next chunk: a stall, not a slow blob.
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      connect: options.ca ? { ca: options.ca } : undefined
    });
  }

  async send(url: URL, init: HttpRequest = {}): Promise<HttpResponse> {
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= this.retry.retries;
      let response: HttpResponse;
      try {
        response = await this.followRedirects(url, init);
      } catch (error) {
        // A stall already cost a whole timeout: `retryStalls` decides whether to wait another.
        if (isStall(error)) throw stallError(url.host, this.timeoutMs, 1);
        if (last || !isRetryableError(error)) throw networkError(url, error);
        await sleep(backoffDelay(this.retry, attempt));
        continue;
      }
      if (last || !isRetryableStatus(response.status)) return response;
      await discardBody(response.body);
      const retryAfter = parseRetryAfter(firstHeader(response.headers, 'retry-after'));
      await sleep(backoffDelay(this.retry, attempt, retryAfter));
    }
  }

  private async followRedirects(url: URL, init: HttpRequest): Promise<HttpResponse> {
    let current = url;
    let headers = { ...init.headers };
    for (let hop = 0; ; hop++) {
      const {
        statusCode,
        headers: responseHeaders,
        body
      } = await request(current, {
        dispatcher: this.agent,
        method: init.method ?? 'GET',
        headers: { 'user-agent': this.options.userAgent ?? 'image-lock', ...headers },
        body: init.body,
        // undici closes the connection after every HEAD (in case a server sends a body
        // anyway), so each tag verify checks would cost a new connection and TLS
        // handshake; registries answer HEAD by the book, so keep the connection.
        reset: init.method === 'HEAD' ? false : undefined
      });
      const location = firstHeader(responseHeaders, 'location');
      if (statusCode < 300 || statusCode >= 400 || statusCode === 304 || !location) {
        this.options.onResponse?.(init.method ?? 'GET', current, statusCode);
        return { status: statusCode, headers: responseHeaders, body, url: current };
      }
      await discardBody(body);
      if (hop >= MAX_REDIRECTS) throw new RegistryError(`too many redirects from ${url.origin}`);
      const next = new URL(location, current);
      if (next.origin !== current.origin) headers = withoutAuthorization(headers);
      current = next;
    }
  }

  /** `attempt` (a request and the reading of its body) tried once more when it stalls. */
  retryStalls<T>(host: string, attempt: () => Promise<T>): Promise<T> {
    return retryStalls(host, this.timeoutMs, attempt);
  }

  /** The stall budget of a fetch that retries by itself (a blob resumed with Range). */
  stallBudget(host: string): StallBudget {
    return new StallBudget(host, this.timeoutMs);
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

function withoutAuthorization(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'authorization'));
}

/** Reads a (small) body to its end and drops it, leaving the connection reusable. */
export async function discardBody(body: Dispatcher.ResponseData['body']): Promise<void> {
  await body.arrayBuffer();
  await connectionReleased();
}

/**
 * undici hands a connection back to its pool a moment after the body's last byte is
 * read; a request sent in between opens a new connection. Waiting one turn of the
 * event loop keeps a run of requests on one keep-alive connection.
 */
export function connectionReleased(): Promise<void> {
  return setImmediate();
}

export function firstHeader(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function networkError(url: URL, error: unknown): Error {
  if (error instanceof RegistryError) return error;
  const code = (error as { code?: string }).code;
  const detail = code ?? (error instanceof Error ? error.message : String(error));
  return new RegistryError(`cannot reach ${url.origin}: ${detail}`);
}
