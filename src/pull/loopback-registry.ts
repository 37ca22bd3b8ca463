import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { pipeline } from 'node:stream/promises';
import type { BlobStore } from '../layout/blob-store.js';
import type { Descriptor } from '../remote/media-types.js';
import type { BlobReadiness } from '../tarball/load-archive.js';

/** The one repository the loopback registry serves; any name under it reads the same blobs. */
export const LOOPBACK_REPOSITORY = 'image-lock-pull';

const ROUTE = /^\/v2\/[a-z0-9._/-]+\/(manifests|blobs)\/(sha256:[a-f0-9]{64})$/;

/** A read-only registry on 127.0.0.1 serving some of the store's blobs, for the daemon to pull from. */
export interface LoopbackRegistry {
  /** `127.0.0.1:<port>`, the host of the references to pull. */
  host: string;
  close(): Promise<void>;
}

/**
 * Serves exactly `descriptors` (the images' indexes, manifests, configs and layers) from
 * the store over plain http on loopback, which Docker trusts without TLS (127.0.0.0/8 is
 * an insecure registry by default). A blob's answer starts at once and its bytes follow
 * when `ready` says it is in the store and sound, so the daemon's pull overlaps the
 * fetch. Anything else is a 404.
 */
export async function startLoopbackRegistry(store: BlobStore, descriptors: Descriptor[], ready: BlobReadiness): Promise<LoopbackRegistry> {
  const served = new Map(descriptors.map((descriptor) => [descriptor.digest, descriptor]));
  const sockets = new Set<Socket>();
  const server: Server = createServer((request, response) => {
    void answer(store, served, ready, request, response).catch(() => response.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  };
}

async function answer(
  store: BlobStore,
  served: Map<string, Descriptor>,
  ready: BlobReadiness,
  request: IncomingMessage,
  response: ServerResponse
): Promise<void> {
  const path = (request.url ?? '').split('?')[0];
  response.setHeader('docker-distribution-api-version', 'registry/2.0');
  if (path === '/v2/' || path === '/v2') return void response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  const [, kind, digest] = ROUTE.exec(path) ?? [];
  const descriptor = digest ? served.get(digest) : undefined;
  if (!descriptor || (request.method !== 'GET' && request.method !== 'HEAD')) {
    return void response.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"BLOB_UNKNOWN"}]}');
  }
  response.writeHead(200, {
    'content-type': kind === 'manifests' ? descriptor.mediaType : 'application/octet-stream',
    'content-length': String(descriptor.size),
    'docker-content-digest': descriptor.digest
  });
  response.flushHeaders();
  if (request.method === 'HEAD') return void response.end();
  await ready(descriptor.digest);
  await pipeline(store.open(descriptor.digest), response);
}
