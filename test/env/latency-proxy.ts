// A TCP proxy on loopback that adds latency, to make round trips visible: benchmarks,
// and tests that connections are kept alive (a new connection costs extra round trips).
// Each chunk is held for ms/2 in its direction, so a request/response exchange costs
// about `ms`. Chunks leave in arrival order: a per-direction queue never reorders.
import { createServer, type Socket } from 'node:net';
import { connectUpstream } from './proxy-upstream.js';
import type { AddressInfo } from 'node:net';

export interface LatencyProxyOptions {
  /** Where to forward, e.g. 127.0.0.1 and the registry's port. */
  targetHost: string;
  targetPort: number;
  /** Round-trip delay added, in milliseconds. */
  ms: number;
  /** Address to listen on (127.0.0.1 unless given): a benchmark's shaped link listens on its own. */
  listenHost?: string;
}

export interface LatencyProxy {
  url: string;
  host: string;
  port: number;
  /** Connections accepted so far (keep-alive reuse shows as few connections for many requests). */
  readonly connections: number;
  /** Connections open right now. */
  readonly open: number;
  resetConnections(): void;
  stop(): Promise<void>;
}

export async function startLatencyProxy(opts: LatencyProxyOptions): Promise<LatencyProxy> {
  let connections = 0;
  let open = 0;
  const sockets = new Set<Socket>();
  const half = opts.ms / 2;
  const listenHost = opts.listenHost ?? '127.0.0.1';

  const server = createServer((client) => {
    connections++;
    open++;
    client.on('close', () => open--);
    const upstream = connectUpstream(client, opts.targetPort, opts.targetHost, sockets);
    relay(client, upstream, half);
    relay(upstream, client, half);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, listenHost, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${listenHost}:${port}`,
    host: `${listenHost}:${port}`,
    port,
    get connections() {
      return connections;
    },
    get open() {
      return open;
    },
    resetConnections: () => void (connections = 0),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      })
  };
}

/** Forwards `from` to `to`, each chunk `delay` ms after it arrived, in order; ends follow the data. */
function relay(from: Socket, to: Socket, delay: number): void {
  let chain = Promise.resolve();
  const later = (fn: () => void) => {
    const due = Date.now() + delay;
    chain = chain.then(() => new Promise<void>((r) => setTimeout(() => (fn(), r()), Math.max(0, due - Date.now()))));
  };
  // Backpressure: a slow reader pauses the writer instead of growing the queue without bound.
  to.on('drain', () => from.resume());
  from.on('data', (chunk: Buffer) =>
    later(() => {
      if (to.writable && !to.write(chunk)) from.pause();
    })
  );
  from.on('end', () => later(() => to.end()));
}
