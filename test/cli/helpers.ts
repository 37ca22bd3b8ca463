import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { run } from '../../src/cli/run.js';

/** A scratch repository holding `files` (path -> content). */
export async function workspace(files: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'image-lock-ws-'));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return dir;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI in-process, as `image-lock <args>` run in `cwd`. */
export function cli(cwd: string, ...args: string[]): Promise<CliResult> {
  return cliAt(undefined, cwd, ...args);
}

/** The CLI in-process on the day (or at the ISO time) `now`, as `IMAGE_LOCK_NOW` sets it; the clock's when undefined. */
export async function cliAt(now: string | undefined, cwd: string, ...args: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io = {
    cwd,
    env: { IMAGE_LOCK_NOW: now },
    stdout: (text: string) => void (stdout += text),
    stderr: (text: string) => void (stderr += text)
  };
  const code = await run(args, io);
  return { code, stdout, stderr };
}

/** The bundled CLI (`dist/cli/index.js`) in a child process, with this test's Node. */
export function bundledCli(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const entry = join(process.cwd(), 'dist/cli/index.js');
  return new Promise((resolve) => {
    execFile(process.execPath, [entry, ...args], { cwd, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}
