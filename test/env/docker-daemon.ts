// A private Docker daemon (vfs storage, no networking set-up) for tests that load images
// into a real daemon. Not started by the global set-up (it takes seconds): a test file
// calls dockerDaemon() when it needs one and stopDockerDaemon() in afterAll.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { killPid, requireTool, run, waitFor, type RunOptions, type RunResult } from './proc.js';

export interface DockerDaemon {
  /** `unix:///tmp/.../docker.sock`, for DOCKER_HOST. */
  dockerHost: string;
  /** The containerd socket dockerd runs for itself, for `ctr --address`. */
  containerdSocket: string;
  pid: number;
  dir: string;
  /** Environment for child processes that should talk to this daemon. */
  env: NodeJS.ProcessEnv;
  /** Runs the docker CLI against this daemon. */
  docker(args: string[], opts?: RunOptions): Promise<RunResult>;
  stop(): Promise<void>;
}

export async function startDockerDaemon(timeoutMs = 60_000): Promise<DockerDaemon> {
  const dockerd = requireTool('dockerd', 'apt-get install docker.io');
  const dockerCli = requireTool('docker', 'apt-get install docker.io');
  // Under /tmp and short: unix socket paths are limited to 108 bytes.
  const dir = mkdtempSync('/tmp/il-dk-');
  const dockerHost = `unix://${dir}/docker.sock`;
  const logFile = join(dir, 'dockerd.log');
  const fd = openSync(logFile, 'a');
  const child = spawn(
    dockerd,
    [
      '--storage-driver=vfs',
      '--iptables=false',
      '--bridge=none',
      `--host=${dockerHost}`,
      '--data-root',
      join(dir, 'data'),
      '--exec-root',
      join(dir, 'exec'),
      '--pidfile',
      join(dir, 'pid')
    ],
    { stdio: ['ignore', fd, fd] }
  );
  closeSync(fd);
  child.unref();
  let exited = false;
  child.on('exit', () => (exited = true));
  const pid = child.pid!;
  const env = { ...process.env, DOCKER_HOST: dockerHost, DOCKER_CONFIG: join(dir, 'docker-config') };
  const docker = (args: string[], opts: RunOptions = {}) => run(dockerCli, args, { ...opts, env: { ...env, ...(opts.env ?? {}) } });
  const stop = async () => {
    await killPid(pid, 20_000);
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  };
  try {
    await waitFor(
      async () => {
        if (exited) throw new Error(`dockerd exited: ${readFileSync(logFile, 'utf8').split('\n').slice(-10).join('\n')}`);
        return (await docker(['version', '--format', '{{.Server.Version}}'], { timeoutMs: 5000 })).code === 0;
      },
      timeoutMs,
      `dockerd at ${dockerHost}`
    );
  } catch (e) {
    await stop();
    throw e;
  }
  // dockerd starts its own containerd under exec-root, unless a system one already runs.
  const own = join(dir, 'exec', 'containerd', 'containerd.sock');
  const containerdSocket = existsSync(own) ? own : '/run/containerd/containerd.sock';
  return { dockerHost, containerdSocket, pid, dir, env, docker, stop };
}

// One daemon per test file: jest gives each test file its own module registry.
let shared: Promise<DockerDaemon> | undefined;

/** The test file's daemon, started on first use. */
export function dockerDaemon(): Promise<DockerDaemon> {
  shared ??= startDockerDaemon();
  return shared;
}

/** Stops the test file's daemon if one was started (call from afterAll). */
export async function stopDockerDaemon(): Promise<void> {
  const d = shared;
  shared = undefined;
  if (d) await (await d).stop();
}
