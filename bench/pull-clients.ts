// What the pull benchmark times: image-lock's bundled CLI (with its peak memory),
// the Docker daemon's own pull, save and load, and curl fetching the same blobs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PullReport } from '../src/commands/pull.js';
import type { DockerDaemon } from '../test/env/docker-daemon.js';
import { OCI_MANIFEST } from '../test/env/image.js';
import { runOk } from '../test/env/proc.js';
import { runJob, runAction } from '../test/action/run-action.js';
import { imageLockCli } from './clients.js';
import { timed } from './harness.js';
import type { PullImageSet } from './pull-images.js';

/**
 * Loaded into the CLI's Node: writes its peak resident memory (kB) and the CPU it used
 * (ms: its own, and its waited-for children's, the docker CLI runs, from /proc/self/stat
 * in clock ticks of 10 ms) to a file at exit.
 * VmHWM belongs to the process's own address space. getrusage's maxrss does not do:
 * Linux carries it across exec, so a child forked from this benchmark (hundreds of MB,
 * with the latency proxy's buffers) would report the benchmark's size as its own.
 */
export const MAX_RSS_PROBE = `data:text/javascript,${encodeURIComponent(
  'import{readFileSync,writeFileSync}from"node:fs";' +
    'process.on("exit",()=>{const rss=/VmHWM:\\s*(\\d+)/.exec(readFileSync("/proc/self/status","utf8"))[1];' +
    'const stat=readFileSync("/proc/self/stat","utf8").slice(readFileSync("/proc/self/stat","utf8").lastIndexOf(")")+2).split(" ");' +
    'const u=process.cpuUsage();' +
    'writeFileSync(process.env.BENCH_MAX_RSS_FILE,`${rss} ${(u.user+u.system)/1000} ${(Number(stat[14])+Number(stat[15]))*10}`)})'
)}`;

export interface ImageLockPull {
  ms: number;
  maxRssBytes: number;
  /** CPU time of image-lock's own process, and of the docker CLI runs it waited for. */
  cpuMs: number;
  childCpuMs: number;
  report: PullReport;
}

/**
 * `image-lock pull --json <args>` as a child process, as a workflow step runs it;
 * `prefix` runs it elsewhere (on the far side of a shaped link).
 */
export async function imageLockPull(
  args: string[],
  dir: string,
  daemonEnv: NodeJS.ProcessEnv,
  timeoutMs: number,
  prefix: string[] = []
): Promise<ImageLockPull> {
  const rssFile = join(dir, 'max-rss');
  const env = { ...daemonEnv, BENCH_MAX_RSS_FILE: rssFile };
  const [command, ...rest] = [...prefix, process.execPath, '--import', MAX_RSS_PROBE, imageLockCli(), 'pull', '--json', ...args];
  const { ms, value } = await timed(() => runOk(command, rest, { env, timeoutMs }));
  const [rssKb, cpuMs, childCpuMs] = readFileSync(rssFile, 'utf8').split(' ').map(Number) as [number, number, number];
  return { ms, maxRssBytes: rssKb * 1024, cpuMs, childCpuMs, report: JSON.parse(value.stdout.toString('utf8')) as PullReport };
}

/** `docker pull` of every image at once, the daemon's own best case. */
export async function dockerPull(daemon: DockerDaemon, references: string[], timeoutMs: number): Promise<number> {
  const { ms } = await timed(() =>
    Promise.all(references.map((reference) => runOk('docker', ['pull', '-q', reference], { env: daemon.env, timeoutMs })))
  );
  return ms;
}

/** curl fetching every blob into `dir`, `parallel` at once, as fast as plain HTTP goes; `prefix` as for imageLockPull. */
export async function curlBlobs(
  set: PullImageSet,
  registryUrl: string,
  dir: string,
  parallel: number,
  timeoutMs: number,
  prefix: string[] = []
): Promise<number> {
  const transfers = set.blobs.flatMap((blob) => {
    const url = `${registryUrl}/v2/${blob.repo}/${blob.manifest ? 'manifests' : 'blobs'}/${blob.digest}`;
    return ['-o', join(dir, blob.digest.slice(7)), url];
  });
  // The registry serves manifests only on their own route, and OCI ones only to a client that accepts them.
  const accept = ['--header', `Accept: ${OCI_MANIFEST}`];
  const args = [
    '--parallel',
    '--parallel-max',
    String(parallel),
    '--fail',
    '--silent',
    '--show-error',
    '--location',
    '--create-dirs',
    ...accept,
    ...transfers
  ];
  const [command, ...rest] = [...prefix, 'curl', ...args];
  const { ms } = await timed(() => runOk(command, rest, { timeoutMs }));
  return ms;
}

/**
 * Throws unless every locked reference, in the form written, names its image in the
 * daemon; `named` gives the name it was pulled by (the registry's address across a link).
 */
export async function checkLoaded(daemon: DockerDaemon, set: PullImageSet, named = (reference: string) => reference): Promise<void> {
  for (const [locked, ids] of Object.entries(set.imageIds)) {
    const reference = named(locked);
    const id = daemon.store === 'containerd' ? ids.manifest : ids.config;
    const inspected = (await daemon.docker(['image', 'inspect', '--format', '{{.Id}}', reference])).stdout.toString().trim();
    if (inspected !== id) throw new Error(`${reference} has the image ID "${inspected}" in the ${daemon.store} store, expected ${id}`);
  }
}

/**
 * `rounds` rounds of two clients into one daemon, the one going first alternating (the
 * second client first in round 1); after each run, what it loaded is checked (as `named`
 * names it) and the daemon emptied, so every run starts from nothing.
 */
export async function takeTurns(
  rounds: number,
  clients: [() => Promise<void>, () => Promise<void>],
  daemon: DockerDaemon,
  set: PullImageSet,
  { onRound, named }: { onRound: (round: number) => void; named?: (reference: string) => string }
): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    onRound(i);
    for (const client of i % 2 ? clients : [clients[1], clients[0]]) {
      await client();
      await checkLoaded(daemon, set, named);
      await removeImages(daemon);
    }
  }
}

/** Leaves the daemon without any image (and so without their layers): the next load starts from nothing. */
export async function removeImages(daemon: DockerDaemon): Promise<void> {
  await daemon.docker(['image', 'prune', '--all', '--force']);
  const left = (await daemon.docker(['images', '-aq'])).stdout.toString().trim();
  if (left) throw new Error(`the daemon still holds images: ${left}`);
}

/** Where a client runs when not on this side: across a shaped link, reaching a plain-http registry there. */
export interface AcrossLink {
  prefix: string[];
  insecureRegistry: string;
  /** The lockfile naming the images by the registry's address there (in the workspace). */
  lockfile: string;
}

/**
 * The action's pull on a fresh runner (`pull: true`, an empty RUNNER_TEMP): its main step
 * restores from the Actions cache (`env` names the cache service) while it pulls and
 * loads, as a workflow job runs it, start-up included. `seed` runs the post step too,
 * which saves the cache entries; `across` names the images across a shaped link, and runs
 * the main step there unless seeding.
 */
export async function actionPull(
  workspace: string,
  references: string[],
  env: NodeJS.ProcessEnv,
  { seed = false, across }: { seed?: boolean; across?: AcrossLink } = {}
): Promise<number> {
  const inputs = {
    pull: 'true',
    mode: 'verify',
    drift: 'ignore',
    images: references.join('\n'),
    ...(across ? { 'insecure-registries': across.insecureRegistry, lockfile: across.lockfile } : {})
  };
  // Without RUNNER_TEMP each job gets a fresh one of its own (removed after it), and so an empty blob store: a fresh runner.
  const jobEnv = { ...env };
  delete jobEnv.RUNNER_TEMP;
  const { ms, value } = await timed(async () =>
    seed ? (await runJob(workspace, inputs, jobEnv)).main : runAction('main', workspace, inputs, jobEnv, across?.prefix)
  );
  if (value.code !== 0) throw new Error(`the action's pull failed (exit ${value.code}):\n${value.stdout}`);
  return ms;
}
