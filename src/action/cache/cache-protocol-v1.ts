import type { Readable } from 'node:stream';
import { CacheWriteRefused, refusedReservation, type CacheServiceClient, type ServiceAnswer } from './cache-http.js';
import type { CacheProtocol } from './cache-service.js';

const ROUTE = '_apis/artifactcache/';
const ACCEPT = 'application/json;api-version=6.0-preview.1';
/** An upload is sent in chunks of this size, each held in memory so that a retry can send it again (4 uploads at once hold 32 MB). */
const CHUNK_BYTES = 8 * 1024 * 1024;

/**
 * The cache service v1, the REST API GitHub Enterprise Server runs (`ACTIONS_CACHE_URL`):
 * an entry is reserved, its bytes sent to the service in ranged PATCHes, then committed;
 * a lookup answers a URL (`archiveLocation`) to read the entry from storage.
 */
export class RestCacheProtocol implements CacheProtocol {
  constructor(
    private readonly baseUrl: string,
    private readonly client: CacheServiceClient
  ) {}

  async lookup(key: string, version: string): Promise<string | undefined> {
    const { status, body } = await this.call('lookup', 'GET', `cache?keys=${encodeURIComponent(key)}&version=${version}`);
    // 204 is a miss. The service matches a key as a prefix too: only the exact key is the entry asked for.
    return status === 200 && body.cacheKey === key && typeof body.archiveLocation === 'string' ? body.archiveLocation : undefined;
  }

  async save(key: string, version: string, body: () => Readable, size: number): Promise<boolean> {
    let reserved: ServiceAnswer;
    try {
      reserved = await this.call('reserve', 'POST', 'caches', json({ key, version, cacheSize: size }));
    } catch (error) {
      return refusedReservation(error, key);
    }
    const { cacheId } = reserved.body;
    if (typeof cacheId !== 'number') throw new CacheWriteRefused(`the cache service refused to keep ${key}: no cacheId in its answer`);
    let offset = 0;
    for await (const chunk of chunksOf(body(), CHUNK_BYTES)) {
      const range = `bytes ${offset}-${offset + chunk.length - 1}/*`;
      await this.call('upload', 'PATCH', `caches/${cacheId}`, {
        headers: { 'content-type': 'application/octet-stream', 'content-range': range },
        body: chunk
      });
      offset += chunk.length;
    }
    if (offset !== size) throw new Error(`${key}: read ${offset} bytes to upload, expected ${size}`);
    await this.call('commit', 'POST', `caches/${cacheId}`, json({ size }));
    return true;
  }

  private call(
    what: string,
    method: string,
    resource: string,
    { headers = {}, body }: { headers?: Record<string, string>; body?: string | Buffer } = {}
  ): Promise<ServiceAnswer> {
    return this.client.request(what, { method, url: `${this.baseUrl}${ROUTE}${resource}`, headers: { accept: ACCEPT, ...headers }, body });
  }
}

function json(body: object): { headers: Record<string, string>; body: string } {
  return { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** The stream cut into buffers of `bytes` (the last one shorter). */
async function* chunksOf(stream: Readable, bytes: number): AsyncGenerator<Buffer> {
  let held: Buffer[] = [];
  let length = 0;
  for await (const piece of stream) {
    let data = piece as Buffer;
    while (length + data.length >= bytes) {
      const take = bytes - length;
      held.push(data.subarray(0, take));
      yield Buffer.concat(held);
      [held, length, data] = [[], 0, data.subarray(take)];
    }
    if (data.length > 0) {
      held.push(data);
      length += data.length;
    }
  }
  if (length > 0) yield Buffer.concat(held);
}
