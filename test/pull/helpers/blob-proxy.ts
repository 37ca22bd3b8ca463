// An HTTP proxy in front of a registry that misbehaves on purpose: it cuts a blob's
// body off part way, stops sending it without closing (a stall), or ignores Range, and
// records what it was asked. Stopping it makes the registry unreachable for the code
// under test without touching the shared one.
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ProxiedRequest {
  method: string;
  path: string;
  range?: string;
  status: number;
}

export interface BlobProxyOptions {
  /** The registry to forward to, e.g. http://127.0.0.1:5000 */
  target: string;
  /** Blob digest -> bytes after which its first response is cut off. */
  cutAfter?: Record<string, number>;
  /** Blob digest -> the byte of the blob at which its responses stop sending, the connection left open. */
  stallAfter?: Record<string, number>;
  /** How many responses of a `stallAfter` blob stall (default: every one). */
  stalls?: number;
  /** Forward blob requests without their Range header, as a registry that ignores it. */
  ignoreRange?: boolean;
  /** Told of each request as it arrives, before it is forwarded: a moment of the client's run. */
  onRequest?: (method: string, path: string) => void;
  /** Hold each blob response this long, so that requests in flight overlap. */
  delayMs?: number;
  /** Blob digest -> a promise its requests wait for before they are forwarded: a download held at will. */
  holdUntil?: Record<string, Promise<void>>;
}

export interface BlobProxy {
  /** `127.0.0.1:<port>`, for an endpoint override. */
  url: string;
  readonly requests: ProxiedRequest[];
  /** The most blob GETs that were in flight at once. */
  readonly maxConcurrentBlobs: number;
  blobGets(digest?: string): ProxiedRequest[];
  stop(): Promise<void>;
}

const BLOB_PATH = /\/blobs\/(sha256:[a-f0-9]{64})$/;

/** Where a `Range: bytes=N-` request starts (0 without one). */
function rangeStart(range: string | undefined): number {
  return Number(/^bytes=(\d+)-/.exec(range ?? '')?.[1] ?? 0);
}

export async function startBlobProxy(options: BlobProxyOptions): Promise<BlobProxy> {
  const target = new URL(options.target);
  const requests: ProxiedRequest[] = [];
  const cut = new Map(Object.entries(options.cutAfter ?? {}));
  const stall = new Map(Object.entries(options.stallAfter ?? {}));
  let stallsLeft = options.stalls ?? Infinity;
  const sockets = new Set<Socket>();
  let blobsInFlight = 0;
  let maxConcurrentBlobs = 0;

  const server: Server = createServer((req, res) => {
    options.onRequest?.(req.method!, req.url!);
    const blob = BLOB_PATH.exec(req.url ?? '')?.[1];
    const headers: IncomingHttpHeaders = { ...req.headers, host: target.host };
    if (blob && options.ignoreRange) delete headers.range;
    if (blob) maxConcurrentBlobs = Math.max(maxConcurrentBlobs, ++blobsInFlight);
    res.on('close', () => blob && blobsInFlight--);
    const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (answer) => {
      requests.push({ method: req.method!, path: req.url!, range: req.headers.range, status: answer.statusCode! });
      res.writeHead(answer.statusCode!, answer.headers);
      const stalls = blob !== undefined && req.method === 'GET' && stall.has(blob) && stallsLeft-- > 0;
      const limit = blob && req.method === 'GET' ? (stalls ? stall.get(blob)! - rangeStart(req.headers.range) : cut.get(blob)) : undefined;
      if (limit === undefined) return answer.pipe(res);
      if (!stalls) cut.delete(blob!);
      if (limit <= 0) {
        // The headers go out (Node holds them back until the body's first byte), the body never comes.
        res.flushHeaders();
        return answer.destroy();
      }
      let sent = 0;
      answer.on('data', (chunk: Buffer) => {
        const room = limit - sent;
        if (room <= 0) return;
        sent += Math.min(room, chunk.length);
        res.write(chunk.subarray(0, room));
        if (sent < limit) return;
        answer.destroy();
        // A stall keeps the connection open and silent; a cut flushes what was sent, then
        // drops it as in a network fault.
        if (!stalls) res.write(Buffer.alloc(0), () => res.socket?.destroy());
      });
    });
    upstream.on('error', () => res.destroy());
    const held = (blob && options.holdUntil?.[blob]) || Promise.resolve();
    void held.then(() => setTimeout(() => req.pipe(upstream), blob ? (options.delayMs ?? 0) : 0));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get maxConcurrentBlobs() {
      return maxConcurrentBlobs;
    },
    blobGets: (digest) => requests.filter((r) => r.method === 'GET' && BLOB_PATH.test(r.path) && (!digest || r.path.endsWith(digest))),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      })
  };
}
