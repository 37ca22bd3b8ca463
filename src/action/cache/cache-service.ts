import type { Readable } from 'node:stream';
import type { RetryPolicy } from '../../transport/retry.js';
import { CACHE_RETRY_POLICY, CacheServiceClient, sendToStorage } from './cache-http.js';
import { RestCacheProtocol } from './cache-protocol-v1.js';
import { TwirpCacheProtocol } from './cache-protocol-v2.js';

export { CacheWriteRefused } from './cache-http.js';

/** What each version of the cache service's protocol does its own way. */
export interface CacheProtocol {
  /** A URL to read the entry from storage, or undefined on a miss. */
  lookup(key: string, version: string): Promise<string | undefined>;
  /** Reserves, uploads and commits an entry; false when another job holds the key already. */
  save(key: string, version: string, body: () => Readable, size: number): Promise<boolean>;
}

/**
 * The Actions cache service spoken directly rather than through @actions/cache, whose
 * entries are tar archives recompressed with zstd and versioned by the paths archived:
 * here an entry is one blob's bytes as they are (already compressed), its version ours,
 * so any job finds it whatever its paths. 429s and 5xxs are retried with backoff;
 * @actions/cache gives up at the first 429.
 */
export class CacheService {
  constructor(private readonly protocol: CacheProtocol) {}

  /**
   * The runner's service, when this job may use it (a token, a cache mode that lets it
   * read), in the protocol @actions/cache would pick: v1 on GitHub Enterprise Server,
   * which has no other, else v2 when the runner sets `ACTIONS_CACHE_SERVICE_V2`.
   */
  static fromEnv(env = process.env, retry: RetryPolicy = CACHE_RETRY_POLICY): CacheService | undefined {
    const mode = (env.ACTIONS_CACHE_MODE ?? '').trim().toLowerCase();
    const token = env.ACTIONS_RUNTIME_TOKEN;
    if (!token || mode === 'none' || mode === 'write-only') return undefined;
    const client = new CacheServiceClient(token, retry);
    if (!isGhes(env) && env.ACTIONS_CACHE_SERVICE_V2) {
      const url = env.ACTIONS_RESULTS_URL;
      return url ? new CacheService(new TwirpCacheProtocol(withSlash(url), client)) : undefined;
    }
    const url = env.ACTIONS_CACHE_URL || env.ACTIONS_RESULTS_URL;
    return url ? new CacheService(new RestCacheProtocol(withSlash(url), client)) : undefined;
  }

  /** Whether the runner lets this job write entries (`ACTIONS_CACHE_MODE` other than `read`). */
  static writable(env = process.env): boolean {
    return (env.ACTIONS_CACHE_MODE ?? '').trim().toLowerCase() !== 'read';
  }

  /** A signed URL to read the entry, or undefined on a miss. */
  lookup(key: string, version: string): Promise<string | undefined> {
    return this.protocol.lookup(key, version);
  }

  async download(url: string): Promise<Readable> {
    const response = await sendToStorage(url, 'GET', {});
    if (response.statusCode !== 200) {
      response.resume();
      throw new Error(`the cache's storage answered ${response.statusCode} to a download`);
    }
    return response;
  }

  /** Reserves, uploads and commits an entry; false when another job holds the key already. */
  save(key: string, version: string, body: () => Readable, size: number): Promise<boolean> {
    return this.protocol.save(key, version, body, size);
  }
}

/** @actions/cache's test: any server but github.com, *.ghe.com (GHE.com) and *.localhost is an Enterprise Server. */
function isGhes(env: NodeJS.ProcessEnv): boolean {
  const host = new URL(env.GITHUB_SERVER_URL || 'https://github.com').hostname.toUpperCase();
  return host !== 'GITHUB.COM' && !host.endsWith('.GHE.COM') && !host.endsWith('.LOCALHOST');
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
