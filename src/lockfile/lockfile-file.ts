import { resolve } from 'node:path';
import { removeAbandonedTemps } from '../fs/atomic.js';
import { checkWritable, writeTarget } from '../fs/confine.js';
import { readLockfile, writeLockfile, type Lockfile } from './lockfile.js';

/** The lockfile a command works on: as the user named it, and the real file it is. */
export interface LockfileFile {
  /** The path as given (`image-lock.json`), for messages and reports. */
  label: string;
  /** The real path, through a symbolic link, inside the repository. */
  path: string;
  /** The repository (or workspace) root it must stay in. */
  root: string;
  /** Its contents before the run; undefined when there is none yet. */
  previous: Lockfile | undefined;
}

/**
 * Finds, confines and reads the lockfile before any network work: a path (or link)
 * leading outside `root` is refused before it is read, and for a command that writes
 * it, its folder must be writable and the temporary files a killed run left there go.
 */
export async function openLockfile(root: string, lockfile: string, purpose: 'read' | 'write'): Promise<LockfileFile> {
  const label = `the lockfile ${lockfile}`;
  const path = await writeTarget(resolve(root, lockfile), root, label);
  if (purpose === 'write') {
    await checkWritable(path, label);
    await removeAbandonedTemps(path);
  }
  return { label: lockfile, path, root, previous: await readLockfile(path, lockfile) };
}

/** Writes `lockfile` over the one opened; returns whether its bytes changed. */
export function saveLockfile(file: LockfileFile, lockfile: Lockfile): Promise<boolean> {
  return writeLockfile(file.path, lockfile, { root: file.root, label: file.label });
}
