// Private Docker daemons for tests that load images into a real daemon, one per image
// store: the classic store of the system's dockerd (graph drivers, as GitHub's hosted
// runners run it) and the containerd store of Debian trixie's Docker 26 with its own
// containerd (`"features": {"containerd-snapshotter": true}`). Both store on overlay
// (overlay2, or containerd's overlayfs snapshotter) as runners do; vfs (native) only
// where the kernel refuses overlay, said on stderr. Not started by the global set-up
// (it takes seconds): a test file calls dockerDaemon() and stopDockerDaemon() in afterAll.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { startContainerd, type Containerd } from './containerd.js';
import { killPid, requireTool, run, waitFor, type RunOptions, type RunResult } from './proc.js';
import { trixieDocker } from './trixie-docker.js';

export type ImageStore = 'classic' | 'containerd';

/** Both stores, for `describe.each(IMAGE_STORES)`. */
export const IMAGE_STORES: ImageStore[] = ['classic', 'containerd'];

export interface DockerDaemon {
  store: ImageStore;
  /** What `docker info` calls the storage: overlay2 or vfs (classic), overlayfs or native (containerd). */
  storageDriver: string;
  /** `unix:///tmp/.../docker.sock`, for DOCKER_HOST. */
  dockerHost: string;
  /** The daemon's containerd, for `ctr --address`. */
  containerdSocket: string;
  pid: number;
  dir: string;
  /** Environment for child processes that should talk to this daemon (its docker CLI first on PATH). */
  env: NodeJS.ProcessEnv;
  /** Runs the docker CLI against this daemon. */
  docker(args: string[], opts?: RunOptions): Promise<RunResult>;
  stop(): Promise<void>;
}

/** Overlay first, the copying driver only as the fall-back. */
const STORAGE_DRIVERS: Record<ImageStore, [overlay: string, fallback: string]> = {
  classic: ['overlay2', 'vfs'],
  containerd: ['overlayfs', 'native']
};
/** Why overlay did not work, once known: later daemons go straight to the fall-back. */
const overlayRefused: Partial<Record<ImageStore, string>> = {};

/** Where a daemon runs, for a benchmark that puts it across a shaped link. */
export interface DaemonPlacement {
  /** Prepended to dockerd's command line: `nsenter --net=<path>` runs it in that network namespace. */
  prefix?: string[];
  /** Registries it reaches over plain http (loopback ones always are). */
  insecureRegistries?: string[];
}

export async function startDockerDaemon(
  timeoutMs = 60_000,
  store: ImageStore = 'classic',
  placement: DaemonPlacement = {}
): Promise<DockerDaemon> {
  const [overlay, fallback] = STORAGE_DRIVERS[store];
  if (!overlayRefused[store]) {
    try {
      return await startWithDriver(store, overlay, timeoutMs, placement);
    } catch (error) {
      overlayRefused[store] = (error as Error).message;
      process.stderr.write(`test env: ${store} store on ${overlay} failed, using ${fallback}: ${overlayRefused[store]}\n`);
    }
  }
  return startWithDriver(store, fallback, timeoutMs, placement);
}

async function startWithDriver(
  store: ImageStore,
  storageDriver: string,
  timeoutMs: number,
  { prefix = [], insecureRegistries = [] }: DaemonPlacement
): Promise<DockerDaemon> {
  const trixie = store === 'containerd' ? trixieDocker() : undefined;
  const dockerd = trixie?.dockerd ?? requireTool('dockerd', 'apt-get install docker.io');
  const dockerCli = trixie?.docker ?? requireTool('docker', 'apt-get install docker.io');
  // Under /tmp and short: unix socket paths are limited to 108 bytes.
  const dir = mkdtempSync('/tmp/il-dk-');
  const dockerHost = `unix://${dir}/docker.sock`;
  const dockerConfig = join(dir, 'docker-config');
  // BuildKit's client: the docker CLI looks for buildx among its config's plugins.
  mkdirSync(join(dockerConfig, 'cli-plugins'), { recursive: true });
  symlinkSync((trixie ?? trixieDocker()).buildx, join(dockerConfig, 'cli-plugins', 'docker-buildx'));
  const binPath = [...(trixie?.binDirs ?? []), process.env.PATH ?? ''].join(delimiter);
  let containerd: Containerd | undefined;
  let pid: number | undefined;
  const stop = async () => {
    if (pid) await killPid(pid, 20_000);
    await containerd?.stop();
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  };
  const env = { ...process.env, PATH: binPath, DOCKER_HOST: dockerHost, DOCKER_CONFIG: dockerConfig };
  const docker = (args: string[], opts: RunOptions = {}) => run(dockerCli, args, { ...opts, env: { ...env, ...(opts.env ?? {}) } });
  try {
    const args = ['--iptables=false', '--bridge=none', `--host=${dockerHost}`, `--storage-driver=${storageDriver}`];
    args.push('--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec'), '--pidfile', join(dir, 'pid'));
    args.push(...insecureRegistries.map((registry) => `--insecure-registry=${registry}`));
    if (trixie) {
      containerd = await startContainerd(trixie, dir, timeoutMs);
      await requireSnapshotter(containerd.socket, storageDriver);
      const config = join(dir, 'daemon.json');
      writeFileSync(config, JSON.stringify({ features: { 'containerd-snapshotter': true } }));
      args.push('--config-file', config, `--containerd=${containerd.socket}`);
    }
    const logFile = join(dir, 'dockerd.log');
    const fd = openSync(logFile, 'a');
    // nsenter execs dockerd in place, so the pid stays dockerd's.
    const [command, ...rest] = [...prefix, dockerd, ...args];
    const child = spawn(command, rest, { stdio: ['ignore', fd, fd], env: { ...process.env, PATH: binPath } });
    closeSync(fd);
    child.unref();
    let exited = false;
    child.on('exit', () => (exited = true));
    pid = child.pid!;
    await waitFor(
      async () => {
        if (exited) throw new Error(`dockerd exited: ${readFileSync(logFile, 'utf8').split('\n').slice(-10).join('\n')}`);
        return (await docker(['version', '--format', '{{.Server.Version}}'], { timeoutMs: 5000 })).code === 0;
      },
      timeoutMs,
      `dockerd at ${dockerHost}`
    );
    const driver = (await docker(['info', '--format', '{{.Driver}}'])).stdout.toString().trim();
    if (driver !== storageDriver) throw new Error(`dockerd runs on ${driver}, not ${storageDriver}`);
  } catch (e) {
    await stop();
    throw e;
  }
  // The classic dockerd starts its own containerd under exec-root, unless a system one already runs.
  const own = join(dir, 'exec', 'containerd', 'containerd.sock');
  const containerdSocket = containerd?.socket ?? (existsSync(own) ? own : '/run/containerd/containerd.sock');
  return { store, storageDriver, dockerHost, containerdSocket, pid, dir, env, docker, stop };
}

/** containerd loads a snapshotter the kernel cannot serve as `skip` or `error`, and says why only in its log. */
async function requireSnapshotter(socket: string, name: string): Promise<void> {
  const ctr = join(trixieDocker().binDirs[0], 'ctr');
  const plugins = (await run(ctr, ['--address', socket, 'plugins', 'ls'])).stdout.toString();
  const line = plugins.split('\n').find((row) => /io\.containerd\.snapshotter\.v1/.test(row) && row.split(/\s+/)[1] === name);
  if (!line?.trim().endsWith('ok')) throw new Error(`containerd's ${name} snapshotter is not available: ${line?.trim() ?? 'not listed'}`);
}

// One daemon per store per test file: jest gives each test file its own module registry.
const shared = new Map<ImageStore, Promise<DockerDaemon>>();

/** The test file's daemon for `store`, started on first use. */
export function dockerDaemon(store: ImageStore = 'classic'): Promise<DockerDaemon> {
  let daemon = shared.get(store);
  if (!daemon) {
    daemon = startDockerDaemon(90_000, store);
    shared.set(store, daemon);
  }
  return daemon;
}

/** Stops every daemon the test file started (call from afterAll). */
export async function stopDockerDaemon(): Promise<void> {
  const daemons = [...shared.values()];
  shared.clear();
  await Promise.all(daemons.map(async (daemon) => (await daemon).stop()));
}
