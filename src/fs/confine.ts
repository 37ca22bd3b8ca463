import { constants } from 'node:fs';
import { access, lstat, readlink, realpath, statfs } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { LocalError } from '../errors.js';
import { localError } from './local-error.js';

/**
 * The real file a write to `path` lands in: through symbolic links (a symlinked file is
 * rewritten where it is, and stays a link), and refused when that is outside every one of
 * `roots` (the repository, or the action's workspace and temporary folder). Without roots
 * it may be anywhere: a path the user typed on the command line is the user's choice.
 * `label` is how the user named the path, for messages.
 */
export async function writeTarget(path: string, roots: readonly string[] | undefined, label: string): Promise<string> {
  let target: string;
  try {
    target = await realpath(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw localError(error, `cannot resolve ${label}`);
    const link = await lstat(path).catch(() => undefined);
    if (link?.isSymbolicLink()) throw new LocalError(`${label} is a symbolic link to ${await readlink(path)}, which does not exist`);
    target = join(await realAncestor(dirname(path)), basename(path));
  }
  if (roots !== undefined) {
    const realRoots = await Promise.all(roots.map((root) => realpath(root).catch(() => resolve(root))));
    if (!realRoots.some((root) => isInside(root, target))) {
      throw new LocalError(`${label} is ${target}, outside ${realRoots.join(' and ')}: refusing to write there`);
    }
  }
  return target;
}

/** A folder's real path, through the part of it that exists: a missing folder is reported by the write. */
async function realAncestor(folder: string): Promise<string> {
  try {
    return await realpath(folder);
  } catch {
    const parent = dirname(folder);
    return parent === folder ? folder : join(await realAncestor(parent), basename(folder));
  }
}

/** Whether `path` is `root` or below it (`..name` is a name, not the parent). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/**
 * That a file can be written into `target`'s folder, before any network work: the
 * folder is writable and its device not full (the real write still reports its own failure).
 */
export async function checkWritable(target: string, label: string): Promise<void> {
  const folder = dirname(target);
  try {
    await access(folder, constants.W_OK);
  } catch (error) {
    throw localError(error, `cannot write ${label} in ${folder}`);
  }
  const space = await statfs(folder).catch(() => undefined);
  if (space && space.bavail === 0) throw localError({ code: 'ENOSPC' }, `cannot write ${label}`);
}
