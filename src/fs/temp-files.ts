import { randomBytes } from 'node:crypto';
import { lstat, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** When this process started: a temporary file last written before then is not its own. */
export const PROCESS_STARTED_MS = Math.floor(Date.now() - process.uptime() * 1000);

/** Past this, a temporary file is stale even if a process with its writer's pid still runs (pids are reused). */
const ABANDONED_MS = 60 * 60 * 1000;

const OWNED_SUFFIX = /\.(\d+)\.[0-9a-f]+\.tmp$/;

/** `<prefix>.<pid>.<random>.tmp`: unique, and telling which process writes it. */
export function tempName(prefix: string): string {
  return `${prefix}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
}

/**
 * Removes the temporary files starting with `prefix` in `dir` that a killed run left:
 * last written before this process started, by a process that no longer runs (or an
 * hour ago or more). A concurrent run's file is newer, or its writer still runs. Only
 * names `tempName` gives, or that `legacy` (an older version's naming) matches, are
 * touched. Returns how many went; a folder that does not exist has none.
 */
export async function removeStaleTemps(dir: string, prefix: string, legacy?: RegExp): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    if (!name.startsWith(prefix) || !(OWNED_SUFFIX.test(name) || legacy?.test(name))) continue;
    const stats = await lstat(join(dir, name)).catch(() => undefined);
    const pid = writerPid(name);
    if (!stats?.isFile() || !isLeftOver(stats.mtimeMs, pid === undefined ? undefined : { pid, thisMachine: true })) continue;
    await rm(join(dir, name), { force: true });
    removed++;
  }
  return removed;
}

function writerPid(name: string): number | undefined {
  const match = OWNED_SUFFIX.exec(name);
  return match ? Number(match[1]) : undefined;
}

/**
 * Whether what a process made at `madeMs` was left by a run that is over: made before
 * this process started, by a process that no longer runs (`writer`, on this machine),
 * or an hour ago or more. Without a writer (a name from an older version) it is over.
 */
export function isLeftOver(madeMs: number, writer: { pid: number; thisMachine: boolean } | undefined): boolean {
  if (madeMs >= PROCESS_STARTED_MS) return false;
  if (!writer || Date.now() - madeMs > ABANDONED_MS) return true;
  if (!writer.thisMachine) return false;
  // Ours from before we started: a reused pid.
  return writer.pid === process.pid || !isRunning(writer.pid);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
