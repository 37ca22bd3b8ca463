// What every TCP proxy of the tests does for a client: connect it to the server behind.
import { connect, type Socket } from 'node:net';

/**
 * Opens the upstream connection for `client`. Both sockets stay in `open` until they
 * close (so the proxy's stop can destroy them), and an error on either ends both.
 */
export function connectUpstream(client: Socket, port: number, host: string, open: Set<Socket>): Socket {
  const upstream = connect(port, host);
  for (const socket of [client, upstream]) {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => {
      client.destroy();
      upstream.destroy();
    });
  }
  return upstream;
}
