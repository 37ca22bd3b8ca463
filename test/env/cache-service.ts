// A local stand-in for the GitHub Actions cache service v2, the Twirp JSON API that
// @actions/cache (v4+) calls when ACTIONS_CACHE_SERVICE_V2 is set. Entries live in
// memory; archives go to azurite through signed (SAS) URLs, exactly as the real
// service hands out Azure Blob URLs, so the real client code runs end to end.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobSASPermissions, BlobServiceClient, StorageSharedKeyCredential, generateBlobSASQueryParameters } from '@azure/storage-blob';
import { AZURITE_ACCOUNT, AZURITE_KEY, startAzurite } from './azurite.js';

const ROUTE = '/twirp/github.actions.results.api.v1.CacheService/';
const CONTAINER = 'actions-cache';

export interface CacheEntryInfo {
  key: string;
  version: string;
  size: number;
}

export interface CacheService {
  url: string;
  /** Set these in process.env before calling @actions/cache. */
  env: Record<string, string>;
  /** Finalized (restorable) entries, oldest first. */
  entries(): CacheEntryInfo[];
  /**
   * Faults a test turns on: `readOnly` refuses every reservation as the service does for a
   * fork's pull request; `tooManyRequests` answers that many next reservations with 429.
   */
  faults: { readOnly: boolean; tooManyRequests: number };
  /** Reservations answered with 429 so far. */
  rateLimited(): number;
  stop(): Promise<void>;
}

interface Entry {
  id: number;
  key: string;
  version: string;
  /** Set by FinalizeCacheEntryUpload; until then the entry is reserved but not restorable. */
  size?: number;
}

// A Twirp error: the client reads `msg` from the JSON body and treats 4xx as final.
class TwirpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {}
  ) {
    super(message);
  }
}

export async function startCacheService(): Promise<CacheService> {
  const azurite = await startAzurite();
  const credential = new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY);
  const container = new BlobServiceClient(azurite.accountUrl, credential).getContainerClient(CONTAINER);
  try {
    await container.createIfNotExists();
  } catch (error) {
    await azurite.stop();
    throw error;
  }
  const runnerTemp = await mkdtemp(join(tmpdir(), 'cache-runner-temp-'));

  // Opaque: the v2 client only forwards it as a bearer token, it never decodes it.
  const token = randomBytes(16).toString('hex');
  const table: Entry[] = [];
  const faults = { readOnly: false, tooManyRequests: 0 };
  let rateLimited = 0;
  const signedUrl = (entry: Entry, permissions: string) => {
    const blobName = String(entry.id);
    const sas = generateBlobSASQueryParameters(
      {
        containerName: CONTAINER,
        blobName,
        permissions: BlobSASPermissions.parse(permissions),
        expiresOn: new Date(Date.now() + 60 * 60 * 1000)
      },
      credential
    );
    return `${container.getBlobClient(blobName).url}?${sas.toString()}`;
  };
  const methods: Record<string, (body: Record<string, unknown>) => Promise<object>> = {
    CreateCacheEntry: async (body) => {
      const { key, version } = keyAndVersion(body);
      if (faults.readOnly) throw new TwirpError(403, 'permission_denied', 'cache write denied: the token is read-only');
      if (faults.tooManyRequests > 0) {
        faults.tooManyRequests--;
        rateLimited++;
        throw new TwirpError(429, 'resource_exhausted', 'too many cache entries created in the last minute', { 'retry-after': '1' });
      }
      // The real service refuses a second reservation of key+version (pending or
      // finalized) with 409; @actions/cache turns that into a ReserveCacheError.
      if (table.some((e) => e.key === key && e.version === version)) {
        throw new TwirpError(409, 'already_exists', 'cache entry with the same key, version, and scope already exists');
      }
      const entry: Entry = { id: table.length + 1, key, version };
      table.push(entry);
      return { ok: true, signed_upload_url: signedUrl(entry, 'cw') };
    },
    FinalizeCacheEntryUpload: async (body) => {
      const { key, version } = keyAndVersion(body);
      const entry = table.find((e) => e.key === key && e.version === version && e.size === undefined);
      if (!entry) throw new TwirpError(404, 'not_found', `no pending cache entry for key ${key}`);
      // Check the blob really landed, so a broken upload fails here and not at restore.
      const size = Number(body['size_bytes']);
      const stored = await container
        .getBlobClient(String(entry.id))
        .getProperties()
        .catch(() => undefined);
      if (stored?.contentLength !== size) {
        throw new TwirpError(412, 'failed_precondition', `uploaded ${stored?.contentLength ?? 'nothing'}, finalize says ${size} bytes`);
      }
      entry.size = size;
      // int64 fields travel as JSON strings in protobuf JSON.
      return { ok: true, entry_id: String(entry.id) };
    },
    GetCacheEntryDownloadURL: async (body) => {
      const { key, version } = keyAndVersion(body);
      const restoreKeys = Array.isArray(body['restore_keys']) ? body['restore_keys'].map(String) : [];
      const entry = lookup(table, key, restoreKeys, version);
      // A miss is ok:false with HTTP 200, not an error: the client reports undefined.
      if (!entry) return { ok: false };
      return { ok: true, signed_download_url: signedUrl(entry, 'r'), matched_key: entry.key };
    }
  };

  const server = createServer((req, res) => {
    handle(req, methods, token).then(
      (body) => reply(res, 200, body),
      (error: unknown) =>
        error instanceof TwirpError
          ? reply(res, error.status, { code: error.code, msg: error.message }, error.headers)
          : reply(res, 500, { code: 'internal', msg: String(error) })
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  return {
    url,
    env: {
      ACTIONS_CACHE_SERVICE_V2: 'true',
      ACTIONS_RESULTS_URL: url,
      ACTIONS_RUNTIME_TOKEN: token,
      // Any host other than github.com, *.ghe.com or *.localhost counts as GHES,
      // which silently forces the v1 protocol; pin it in case the caller set one.
      GITHUB_SERVER_URL: 'https://github.com',
      // Unset means permissive, but a runner-provided 'read'/'none' would skip saves.
      ACTIONS_CACHE_MODE: 'write',
      // Archives are staged here; the default is /home/actions/temp.
      RUNNER_TEMP: runnerTemp,
      // The Azure SDK, unlike @actions/http-client, sends loopback through a proxy.
      NO_PROXY: [process.env['NO_PROXY'], '127.0.0.1'].filter(Boolean).join(',')
    },
    faults,
    rateLimited: () => rateLimited,
    entries: () => table.flatMap((e) => (e.size === undefined ? [] : [{ key: e.key, version: e.version, size: e.size }])),
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await azurite.stop();
      await rm(runnerTemp, { recursive: true, force: true });
    }
  };
}

// GitHub's documented order: for the key, then each restore key in turn, an exact
// match wins, else the newest entry whose key starts with it. Only entries saved
// with the same version (paths + compression) are candidates.
function lookup(table: Entry[], key: string, restoreKeys: string[], version: string): Entry | undefined {
  const ready = table.filter((e) => e.version === version && e.size !== undefined).reverse();
  for (const wanted of [key, ...restoreKeys]) {
    const hit = ready.find((e) => e.key === wanted) ?? ready.find((e) => e.key.startsWith(wanted));
    if (hit) return hit;
  }
  return undefined;
}

function keyAndVersion(body: Record<string, unknown>): { key: string; version: string } {
  const { key, version } = body;
  if (typeof key !== 'string' || !key || typeof version !== 'string' || !version) {
    throw new TwirpError(400, 'invalid_argument', 'key and version are required');
  }
  return { key, version };
}

async function handle(
  req: IncomingMessage,
  methods: Record<string, (body: Record<string, unknown>) => Promise<object>>,
  token: string
): Promise<object> {
  const path = req.url ?? '';
  const name = path.startsWith(ROUTE) ? path.slice(ROUTE.length) : '';
  const method = Object.hasOwn(methods, name) ? methods[name] : undefined;
  if (req.method !== 'POST' || !method) {
    // Also what a v1 client (ACTIONS_CACHE_SERVICE_V2 unset) gets: say so.
    throw new TwirpError(404, 'bad_route', `cache service fixture speaks only v2 Twirp; got ${req.method} ${path}`);
  }
  if (req.headers.authorization !== `Bearer ${token}`) {
    throw new TwirpError(401, 'unauthenticated', 'missing or wrong ACTIONS_RUNTIME_TOKEN');
  }
  let raw = '';
  for await (const chunk of req) raw += chunk;
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new TwirpError(400, 'malformed', 'request body is not JSON');
  }
  return method(body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {});
}

function reply(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}
