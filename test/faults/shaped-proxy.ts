// A TCP proxy in front of a real registry that throttles its responses to a rate: the
// slow registry a real one on loopback cannot be.
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { connectUpstream } from '../env/proxy-upstream.js';

export interface ShapedProxyOptions {
  targetPort: number;
  /** Bytes per second from the registry to the client. */
  bytesPerSecond: number;
}

export interface ShapedProxy {
  host: string;
  stop(): Promise<void>;
}

const TICK_MS = 20;

export async function startShapedProxy(options: ShapedProxyOptions): Promise<ShapedProxy> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connectUpstream(client, options.targetPort, '127.0.0.1', sockets);
    client.pipe(upstream);
    shapeResponses(upstream, client, options);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  };
}

function shapeResponses(from: Socket, to: Socket, options: ShapedProxyOptions): void {
  const perTick = Math.max(1, Math.floor((options.bytesPerSecond * TICK_MS) / 1000));
  const pending: Buffer[] = [];
  let ended = false;
  const timer = setInterval(() => {
    let budget = perTick;
    while (pending.length > 0 && budget > 0) {
      const chunk = pending[0];
      const part = chunk.subarray(0, budget);
      if (part.length === chunk.length) pending.shift();
      else pending[0] = chunk.subarray(part.length);
      to.write(part);
      budget -= part.length;
    }
    if (ended && pending.length === 0) to.end();
    // Back-pressure upstream, so a throttled blob is not read ahead into memory.
    if (pending.length < 4) from.resume();
  }, TICK_MS);
  from.on('data', (chunk: Buffer) => {
    pending.push(chunk);
    if (pending.length >= 4) from.pause();
  });
  from.on('end', () => (ended = true));
  for (const socket of [from, to]) socket.on('close', () => clearInterval(timer));
}
