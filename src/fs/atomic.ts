import { rename, rm, stat, open, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeTarget } from './confine.js';
import { localError } from './local-error.js';
import { removeStaleTemps, tempName } from './temp-files.js';

/** How temporary files were named before they carried their writer's pid. */
const LEGACY_TEMP = /^\.[^/]+\.[0-9a-f]{12}\.tmp$/;

export interface WriteOptions {
  /** Where the target may be (see `writeTarget`): a real path outside all of them is refused; anywhere when absent. */
  roots?: readonly string[];
  /** The path as the user gave it, for messages; the path itself by default. */
  label?: string;
}

/**
 * The one way a file is written: readers see the old bytes or the new ones, never half
 * (a temporary file beside the target, synced, then renamed over it). A symbolic link is
 * written through to its target (inside `roots`), and an existing file keeps its mode
 * and owner. Temporary files a killed run left beside it are cleared first. Any failure
 * is a `LocalError` naming `label`, and leaves no temporary file.
 */
export async function writeFileAtomic(path: string, data: string | Buffer, options: WriteOptions = {}): Promise<void> {
  const label = options.label ?? path;
  const target = await writeTarget(path, options.roots, label);
  const prefix = `.${basename(target)}`;
  const temporary = join(dirname(target), tempName(prefix));
  let file: FileHandle | undefined;
  try {
    const existing = await stat(target).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    await removeAbandonedTemps(target);
    file = await open(temporary, 'wx', existing ? existing.mode & 0o7777 : 0o666);
    await file.writeFile(data);
    if (existing) await keepAttributes(file, existing);
    await file.sync();
    await file.close();
    file = undefined;
    await rename(temporary, target);
  } catch (error) {
    await file?.close().catch(() => undefined);
    await rm(temporary, { force: true }).catch(() => undefined);
    throw localError(error, `cannot write ${label}`);
  }
}

/** Clears the temporary files a killed write to `target` left beside it (see `removeStaleTemps`). */
export function removeAbandonedTemps(target: string): Promise<number> {
  return removeStaleTemps(dirname(target), `.${basename(target)}.`, LEGACY_TEMP);
}

/** The replaced file's mode (the new one was created under the umask) and, where allowed, its owner. */
async function keepAttributes(file: FileHandle, existing: Stats): Promise<void> {
  await file.chmod(existing.mode & 0o7777);
  const own = await file.stat();
  if (own.uid === existing.uid && own.gid === existing.gid) return;
  await file.chown(existing.uid, existing.gid).catch((error: NodeJS.ErrnoException) => {
    // Only root may give a file away; anyone else keeps the file their own, as an editor would.
    if (error.code !== 'EPERM') throw error;
  });
}
