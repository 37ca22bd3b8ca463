// A private containerd for the containerd image store daemon: its own root, state and
// sockets under `dir`, the CRI plugin off (nothing here runs Kubernetes).
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { killPid, waitFor } from './proc.js';
import type { TrixieDocker } from './trixie-docker.js';

export interface Containerd {
  socket: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startContainerd(tools: TrixieDocker, dir: string, timeoutMs: number): Promise<Containerd> {
  const socket = join(dir, 'containerd.sock');
  const config = join(dir, 'containerd.toml');
  writeFileSync(
    config,
    [
      'version = 2',
      `root = "${join(dir, 'containerd-root')}"`,
      `state = "${join(dir, 'containerd-state')}"`,
      'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
      '[grpc]',
      `  address = "${socket}"`,
      '[ttrpc]',
      `  address = "${socket}.ttrpc"`,
      ''
    ].join('\n')
  );
  const logFile = join(dir, 'containerd.log');
  const fd = openSync(logFile, 'a');
  // Its shims come from the same package; runc is the system's.
  const env = { ...process.env, PATH: [...tools.binDirs, process.env.PATH ?? ''].join(delimiter) };
  const child = spawn(tools.containerd, ['--config', config], { stdio: ['ignore', fd, fd], env });
  closeSync(fd);
  child.unref();
  let exited = false;
  child.on('exit', () => (exited = true));
  const pid = child.pid!;
  const stop = () => killPid(pid, 10_000);
  try {
    await waitFor(
      () => {
        if (exited) throw new Error(`containerd exited: ${readFileSync(logFile, 'utf8').split('\n').slice(-10).join('\n')}`);
        return Promise.resolve(existsSync(socket));
      },
      timeoutMs,
      `containerd at ${socket}`
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { socket, pid, stop };
}
