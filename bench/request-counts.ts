// Summaries of what a client asked the registry and the token server, from their own
// records (the registry's access log, the token server's request list): the client's
// word is never taken for it.
import type { RegistryRequest } from '../test/env/registry-log.js';
import type { TokenRequest } from '../test/env/token-server.js';
import { parseScope } from '../test/env/token-policy.js';

export interface RegistryTally {
  /** Every request the registry logged, 401 answers included. */
  total: number;
  /** `GET /v2/`: the version check clients use to learn the auth challenge. */
  pings: number;
  /** Requests answered 401 (challenges). */
  unauthorized: number;
  /** GET and HEAD on `/v2/<repo>/manifests/<ref>`. */
  manifests: number;
  /** The most manifest requests any one `<repo>/manifests/<ref>` received. */
  maxManifestsPerReference: number;
  blobs: number;
}

const MANIFEST_PATH = /^\/v2\/.+\/manifests\/[^/]+$/;
const BLOB_PATH = /^\/v2\/.+\/blobs\/[^/]+$/;

export function tallyRegistry(requests: readonly RegistryRequest[]): RegistryTally {
  const manifestRequests = requests.filter((r) => MANIFEST_PATH.test(r.path));
  return {
    total: requests.length,
    pings: requests.filter((r) => r.path === '/v2/' || r.path === '/v2').length,
    unauthorized: requests.filter((r) => r.status === 401).length,
    manifests: manifestRequests.length,
    maxManifestsPerReference: maxCount(manifestRequests.map((r) => r.path)),
    blobs: requests.filter((r) => BLOB_PATH.test(r.path)).length
  };
}

/** Manifest requests of one method (`GET` or `HEAD`) in a registry's log. */
export function manifestRequests(requests: readonly RegistryRequest[], method: 'GET' | 'HEAD'): RegistryRequest[] {
  return requests.filter((request) => request.method === method && MANIFEST_PATH.test(request.path));
}

export interface TokenTally {
  /** Token requests, one per scope asked for. */
  total: number;
  /** Distinct repositories tokens were asked for. */
  repositories: number;
  /** The most token requests any one repository's scope received. */
  maxPerRepository: number;
}

export function tallyTokens(requests: readonly TokenRequest[]): TokenTally {
  // A request without a scope (a login check) counts under the empty name.
  const names = requests.map((r) => parseScope(r.scope)?.name ?? '');
  return { total: requests.length, repositories: new Set(names).size, maxPerRepository: maxCount(names) };
}

/** The largest number of times any one value occurs; 0 for none. */
export function maxCount(values: readonly string[]): number {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return Math.max(0, ...counts.values());
}
