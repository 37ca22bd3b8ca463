import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A real small file system (tmpfs, `size` bytes, more mount `options` such as
 * `nr_inodes=16`) mounted at `dir` (made when absent):
 * a full disk or a read-only one for real, not a mocked errno. The suite runs as root.
 */
export async function mountTmpfs(size: number, dir?: string, options = ''): Promise<{ dir: string; unmount: () => Promise<void> }> {
  const at = dir ?? (await mkdtemp(join(tmpdir(), 'image-lock-tmpfs-')));
  await run('mkdir', ['-p', at]);
  await run('mount', ['-t', 'tmpfs', '-o', `size=${size}${options ? `,${options}` : ''}`, 'tmpfs', at]);
  return {
    dir: at,
    unmount: async () => {
      await run('umount', ['-l', at]);
      if (!dir) await rm(at, { recursive: true, force: true });
    }
  };
}

/** Fills the file system holding `dir` until `leave` bytes or fewer are free. */
export async function fillDisk(dir: string, leave = 0): Promise<void> {
  const { stdout } = await run('df', ['--output=avail', '-B1', dir]);
  const free = Number(stdout.trim().split('\n')[1]);
  if (free > leave) await writeFile(join(dir, 'filler'), Buffer.alloc(free - leave)).catch(() => undefined);
}

export async function remountReadOnly(dir: string): Promise<void> {
  await run('mount', ['-o', 'remount,ro', dir]);
}

/** Uses up the file system's inodes: no file can be made though blocks are free (ENOSPC too). */
export async function useUpInodes(dir: string): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      await writeFile(join(dir, `inode-${i}`), '');
    } catch {
      return;
    }
  }
}
