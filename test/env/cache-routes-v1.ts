// The stand-in's v1 protocol: the REST API GitHub Enterprise Server runs and @actions/cache
// speaks on GHES (`ACTIONS_CACHE_URL` + `_apis/artifactcache/`). Chunks PATCHed to the
// service are staged as Azure blocks in azurite and committed as one blob; a lookup answers
// `archiveLocation`, a signed URL into azurite.
import type { IncomingMessage } from 'node:http';
import { StandInError, type CacheStore, type Entry } from './cache-store.js';
import type { Reply } from './cache-routes-v2.js';

export const REST_ROUTE = '/_apis/artifactcache/';
const API_VERSION = 'api-version=6.0-preview.1';

export async function serveRest(req: IncomingMessage, store: CacheStore, token: string): Promise<Reply> {
  try {
    if (req.headers.authorization !== `Bearer ${token}`)
      throw new StandInError(401, 'unauthenticated', 'missing or wrong ACTIONS_RUNTIME_TOKEN');
    if (!req.headers.accept?.includes(API_VERSION))
      throw new StandInError(400, 'bad_request', `the Accept header must ask for ${API_VERSION}`);
    const url = new URL(req.url ?? '', 'http://stand-in');
    const resource = url.pathname.slice(REST_ROUTE.length);
    const id = /^caches\/(\d+)$/.exec(resource)?.[1];
    if (req.method === 'GET' && resource === 'cache') return lookup(store, url.searchParams);
    if (req.method === 'POST' && resource === 'caches') {
      const { key, version } = await readJson(req);
      if (typeof key !== 'string' || !key || typeof version !== 'string' || !version)
        throw new StandInError(400, 'bad_request', 'key and version are required');
      return { status: 201, body: { cacheId: store.reserve(key, version).id } };
    }
    if (id && req.method === 'PATCH') return await uploadChunk(store, pending(store, Number(id)), req);
    if (id && req.method === 'POST') return await commit(store, pending(store, Number(id)), await readJson(req));
    throw new StandInError(404, 'not_found', `no route ${req.method} ${url.pathname}`);
  } catch (error) {
    return restError(error);
  }
}

/** A v1 error body: @actions/http-client reads `message`. */
export function restError(error: unknown): Reply {
  return error instanceof StandInError
    ? { status: error.status, body: { message: error.message, typeKey: error.code }, headers: error.headers }
    : { status: 500, body: { message: String(error), typeKey: 'internal' } };
}

function lookup(store: CacheStore, query: URLSearchParams): Reply {
  const keys = (query.get('keys') ?? '').split(',').filter(Boolean);
  const version = query.get('version');
  if (keys.length === 0 || !version) throw new StandInError(400, 'bad_request', 'keys and version are required');
  const entry = store.lookup(keys, version);
  // A miss is 204 with no body.
  if (!entry) return { status: 204 };
  return { status: 200, body: { cacheKey: entry.key, scope: 'refs/heads/main', archiveLocation: store.signedUrl(entry, 'r') } };
}

function pending(store: CacheStore, id: number): Entry {
  const entry = store.table.find((e) => e.id === id);
  if (!entry || entry.size !== undefined) throw new StandInError(404, 'not_found', `no cache reservation ${id} awaiting upload`);
  return entry;
}

async function uploadChunk(store: CacheStore, entry: Entry, req: IncomingMessage): Promise<Reply> {
  const range = /^bytes (\d+)-(\d+)\/\*$/.exec(req.headers['content-range'] ?? '');
  if (!range) throw new StandInError(400, 'bad_request', 'Content-Range must be "bytes start-end/*"');
  const [start, end] = [Number(range[1]), Number(range[2])];
  const bytes = await readBody(req);
  if (bytes.length !== end - start + 1) throw new StandInError(400, 'bad_request', `range ${start}-${end} but ${bytes.length} bytes sent`);
  // Block ids of one blob must all be the same length: the chunk's offset, zero-padded.
  const blockId = Buffer.from(String(start).padStart(16, '0')).toString('base64');
  await store.container.getBlockBlobClient(String(entry.id)).stageBlock(blockId, bytes, bytes.length);
  entry.chunks.set(start, { end, blockId });
  return { status: 204 };
}

async function commit(store: CacheStore, entry: Entry, { size }: Record<string, unknown>): Promise<Reply> {
  if (typeof size !== 'number') throw new StandInError(400, 'bad_request', 'size is required');
  const chunks = [...entry.chunks.entries()].sort(([a], [b]) => a - b);
  let next = 0;
  for (const [start, { end }] of chunks) {
    if (start !== next) throw new StandInError(400, 'bad_request', `chunks leave bytes ${next}-${start - 1} out`);
    next = end + 1;
  }
  await store.container.getBlockBlobClient(String(entry.id)).commitBlockList(chunks.map(([, { blockId }]) => blockId));
  await store.finalize(entry, size);
  return { status: 204 };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  try {
    const body: unknown = JSON.parse((await readBody(req)).toString('utf8'));
    return body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  } catch {
    throw new StandInError(400, 'bad_request', 'request body is not JSON');
  }
}
