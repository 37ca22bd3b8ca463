import { resolve } from 'node:path';
import { removeAbandonedTemps } from '../fs/atomic.js';
import { checkWritable, writeTarget } from '../fs/confine.js';
import { readLockfile, writeLockfile, type Lockfile } from './lockfile.js';

/** The lockfile a command works on: as the user named it, and the real file it is. */
export interface LockfileFile {
  /** The path as given (`image-lock.json`), for messages and reports. */
  label: string;
  /** The real path, through a symbolic link. */
  path: string;
  /** Where it may be written (`CommandOptions.writableRoots`); anywhere when absent. */
  roots?: readonly string[];
  /** Its contents before the run; undefined when there is none yet. */
  previous: Lockfile | undefined;
}

/**
 * Finds and reads the lockfile (a path relative to `cwd`) before any network work: a path
 * (or link) leading outside `roots`, when given, is refused before it is read, and for a
 * command that writes it, its folder must be writable and the temporary files a killed
 * run left there go.
 */
export async function openLockfile(
  cwd: string,
  lockfile: string,
  purpose: 'read' | 'write',
  roots?: readonly string[]
): Promise<LockfileFile> {
  const label = `the lockfile ${lockfile}`;
  const path = await writeTarget(resolve(cwd, lockfile), roots, label);
  if (purpose === 'write') {
    await checkWritable(path, label);
    await removeAbandonedTemps(path);
  }
  return { label: lockfile, path, roots, previous: await readLockfile(path, lockfile) };
}

/** Writes `lockfile` over the one opened; returns whether its bytes changed. */
export function saveLockfile(file: LockfileFile, lockfile: Lockfile): Promise<boolean> {
  return writeLockfile(file.path, lockfile, { roots: file.roots, label: file.label });
}
