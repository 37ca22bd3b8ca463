// The stand-in's v2 protocol: the Twirp JSON API that github.com runs and @actions/cache
// (v4+) calls when ACTIONS_CACHE_SERVICE_V2 is set. Bytes go to azurite through signed
// URLs; the service only reserves, finalizes and signs.
import type { IncomingMessage } from 'node:http';
import { StandInError, type CacheStore } from './cache-store.js';

export const TWIRP_ROUTE = '/twirp/github.actions.results.api.v1.CacheService/';

export interface Reply {
  status: number;
  body?: object;
  headers?: Record<string, string>;
}

type Method = (store: CacheStore, body: Record<string, unknown>) => Promise<object>;

const methods: Record<string, Method> = {
  CreateCacheEntry: async (store, body) => {
    const { key, version } = keyAndVersion(body);
    return { ok: true, signed_upload_url: store.signedUrl(store.reserve(key, version), 'cw') };
  },
  FinalizeCacheEntryUpload: async (store, body) => {
    const { key, version } = keyAndVersion(body);
    const entry = store.table.find((e) => e.key === key && e.version === version && e.size === undefined);
    if (!entry) throw new StandInError(404, 'not_found', `no pending cache entry for key ${key}`);
    await store.finalize(entry, Number(body['size_bytes']));
    // int64 fields travel as JSON strings in protobuf JSON.
    return { ok: true, entry_id: String(entry.id) };
  },
  GetCacheEntryDownloadURL: async (store, body) => {
    const { key, version } = keyAndVersion(body);
    const restoreKeys = Array.isArray(body['restore_keys']) ? body['restore_keys'].map(String) : [];
    const entry = store.lookup([key, ...restoreKeys], version);
    // A miss is ok:false with HTTP 200, not an error: the client reports undefined.
    if (!entry) return { ok: false };
    return { ok: true, signed_download_url: store.signedUrl(entry, 'r'), matched_key: entry.key };
  }
};

export async function serveTwirp(req: IncomingMessage, store: CacheStore, token: string): Promise<Reply> {
  try {
    const name = (req.url ?? '').slice(TWIRP_ROUTE.length);
    const method = Object.hasOwn(methods, name) ? methods[name] : undefined;
    if (req.method !== 'POST' || !method) throw new StandInError(404, 'bad_route', `no Twirp method ${req.method} ${req.url}`);
    if (req.headers.authorization !== `Bearer ${token}`)
      throw new StandInError(401, 'unauthenticated', 'missing or wrong ACTIONS_RUNTIME_TOKEN');
    let raw = '';
    for await (const chunk of req) raw += chunk;
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      throw new StandInError(400, 'malformed', 'request body is not JSON');
    }
    return { status: 200, body: await method(store, body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {}) };
  } catch (error) {
    return twirpError(error);
  }
}

/** A Twirp error: the client reads `msg` from the JSON body and treats 4xx as final. */
export function twirpError(error: unknown): Reply {
  return error instanceof StandInError
    ? { status: error.status, body: { code: error.code, msg: error.message }, headers: error.headers }
    : { status: 500, body: { code: 'internal', msg: String(error) } };
}

function keyAndVersion(body: Record<string, unknown>): { key: string; version: string } {
  const { key, version } = body;
  if (typeof key !== 'string' || !key || typeof version !== 'string' || !version)
    throw new StandInError(400, 'invalid_argument', 'key and version are required');
  return { key, version };
}
