// A local stand-in for the GitHub Actions cache service, speaking the protocol a test
// picks: v2 (the Twirp JSON API github.com runs, test/env/cache-routes-v2.ts) or v1 (the
// REST API GitHub Enterprise Server runs, test/env/cache-routes-v1.ts). Either keeps its
// entries in the same table, their bytes in azurite (test/env/cache-store.ts), so the
// real client code runs end to end and entries are counted the same way.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { AZURITE_ACCOUNT, AZURITE_KEY, startAzurite } from './azurite.js';
import { REST_ROUTE, restError, serveRest } from './cache-routes-v1.js';
import { TWIRP_ROUTE, serveTwirp, twirpError, type Reply } from './cache-routes-v2.js';
import { CacheStore, StandInError, type CacheEntryInfo } from './cache-store.js';

export type { CacheEntryInfo } from './cache-store.js';

const CONTAINER = 'actions-cache';

/** v2: github.com's Twirp API; v1: the REST API of GitHub Enterprise Server, whose runners have no other. */
export type CacheProtocolVersion = 'v1' | 'v2';

export interface CacheService {
  url: string;
  protocol: CacheProtocolVersion;
  /** Set these in process.env before calling @actions/cache (or hand them to CacheService.fromEnv). */
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

export interface CacheServiceOptions {
  protocol?: CacheProtocolVersion;
  /**
   * Puts something in front of a local port (the service's or azurite's) and returns the
   * origin clients reach it at, `http://host:port`: a benchmark's latency proxy across a
   * shaped link. The service names these origins in its URL and its signed blob URLs.
   */
  reachedThrough?: (port: number) => Promise<string>;
}

export async function startCacheService({ protocol = 'v2', reachedThrough }: CacheServiceOptions = {}): Promise<CacheService> {
  const azurite = await startAzurite();
  const credential = new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY);
  const container = new BlobServiceClient(azurite.accountUrl, credential).getContainerClient(CONTAINER);
  let blobOrigin: string | undefined;
  try {
    await container.createIfNotExists();
    blobOrigin = reachedThrough ? await reachedThrough(Number(new URL(azurite.accountUrl).port)) : undefined;
  } catch (error) {
    await azurite.stop();
    throw error;
  }
  const runnerTemp = await mkdtemp(join(tmpdir(), 'cache-runner-temp-'));
  // Opaque: the clients only forward it as a bearer token, they never decode it.
  const token = randomBytes(16).toString('hex');
  const store = new CacheStore(container, credential, blobOrigin);

  const server = createServer((req, res) => {
    const path = req.url ?? '';
    const served =
      protocol === 'v2' && path.startsWith(TWIRP_ROUTE)
        ? serveTwirp(req, store, token)
        : protocol === 'v1' && path.startsWith(REST_ROUTE)
          ? serveRest(req, store, token)
          : // What a client of the other protocol gets: say so.
            Promise.resolve(
              (protocol === 'v2' ? twirpError : restError)(
                new StandInError(404, 'bad_route', `cache service stand-in speaks only ${protocol}; got ${req.method} ${path}`)
              )
            );
    served.then(
      (reply) => send(res, reply),
      (error: unknown) => send(res, { status: 500, body: { message: String(error) } })
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  let url: string;
  try {
    url = `${reachedThrough ? await reachedThrough(port) : `http://127.0.0.1:${port}`}/`;
  } catch (error) {
    server.close();
    await Promise.all([azurite.stop(), rm(runnerTemp, { recursive: true, force: true })]);
    throw error;
  }

  return {
    url,
    protocol,
    env: {
      ...(protocol === 'v2'
        ? {
            ACTIONS_CACHE_SERVICE_V2: 'true',
            ACTIONS_RESULTS_URL: url,
            // Any host other than github.com, *.ghe.com or *.localhost counts as GHES,
            // which silently forces the v1 protocol; pin it in case the caller set one.
            GITHUB_SERVER_URL: 'https://github.com'
          }
        : {
            ACTIONS_CACHE_URL: url,
            // An Enterprise Server: @actions/cache speaks v1 there even when the v2 flag is
            // set (a user may set it), so a client that chose v2 would find no Twirp here.
            GITHUB_SERVER_URL: 'https://github.enterprise.example',
            ACTIONS_CACHE_SERVICE_V2: 'true',
            ACTIONS_RESULTS_URL: url
          }),
      ACTIONS_RUNTIME_TOKEN: token,
      // Unset means permissive, but a runner-provided 'read'/'none' would skip saves.
      ACTIONS_CACHE_MODE: 'write',
      // Archives are staged here; the default is /home/actions/temp.
      RUNNER_TEMP: runnerTemp,
      // The Azure SDK, unlike @actions/http-client, sends loopback through a proxy.
      NO_PROXY: [process.env['NO_PROXY'], '127.0.0.1'].filter(Boolean).join(',')
    },
    faults: store.faults,
    rateLimited: () => store.rateLimited,
    entries: () => store.entries(),
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await azurite.stop();
      await rm(runnerTemp, { recursive: true, force: true });
    }
  };
}

function send(res: ServerResponse, { status, body, headers = {} }: Reply): void {
  if (body === undefined) res.writeHead(status, headers).end();
  else res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}
