import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { watch } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { CliResult } from '../cli/helpers.js';

/**
 * When to kill: `delayMs` after a file whose name matches `name` appears in `dir`, or
 * after `when` settles (a request reaching the registry): a moment of the run, not of
 * the clock.
 */
export type KillMoment = ({ dir: string; name: RegExp } | { when: Promise<unknown> }) & { delayMs: number };

/**
 * The bundled CLI in a child process, killed with SIGKILL at `moment` (no handler
 * runs: what a crash, an OOM kill or a cancelled runner leaves). `killed` is false when
 * the run ended first.
 */
export function killedCli(cwd: string, args: string[], moment: KillMoment): Promise<{ killed: boolean }> {
  return new Promise((resolve) => {
    const kill = () => setTimeout(() => child.kill('SIGKILL'), moment.delayMs);
    const watcher =
      'dir' in moment
        ? watch(moment.dir, (_event, name) => {
            if (!name || !moment.name.test(name)) return;
            watcher?.close();
            kill();
          })
        : undefined;
    if ('when' in moment) void moment.when.then(kill);
    const child = spawn(process.execPath, [join(process.cwd(), 'dist/cli/index.js'), ...args], { cwd, stdio: 'ignore' });
    child.on('exit', (_code, signal) => {
      watcher?.close();
      resolve({ killed: signal === 'SIGKILL' });
    });
  });
}

/** What the store holds: blobs whose bytes do not hash to their name, and partial ingests. */
export async function storeState(cacheDir: string): Promise<{ blobs: number; corrupt: string[]; partial: string[] }> {
  const dir = join(cacheDir, 'blobs', 'sha256');
  const names = await readdir(dir).catch(() => [] as string[]);
  const blobs = names.filter((name) => /^[a-f0-9]{64}$/.test(name));
  const corrupt: string[] = [];
  for (const name of blobs) {
    if (
      createHash('sha256')
        .update(await readFile(join(dir, name)))
        .digest('hex') !== name
    )
      corrupt.push(name);
  }
  return { blobs: blobs.length, corrupt, partial: names.filter((name) => name.startsWith('.ingest-')) };
}

/** A stack trace's frames: what a user must never see. */
export const STACK_FRAME = /^\s+at .+\(.+:\d+:\d+\)$/m;

export type { CliResult };
