import { realpath } from 'node:fs/promises';
import { basename, dirname, relative, resolve, sep } from 'node:path';
import { InputError } from '../errors.js';

/**
 * The real path `file` (relative to `root`) is written at, refused when it lies outside
 * `root`: through a symbolic link, or `..`. Its folder must exist already.
 */
export async function pathInside(root: string, file: string): Promise<string> {
  const realRoot = await realpath(root);
  const path = resolve(root, file);
  let target: string;
  try {
    target = await realpath(path);
  } catch {
    try {
      target = resolve(await realpath(dirname(path)), basename(path));
    } catch {
      throw new InputError(`cannot write ${file}: its folder does not exist`);
    }
  }
  const inside = relative(realRoot, target);
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || resolve(realRoot, inside) !== target) {
    throw new InputError(`cannot write ${file}: it is outside the repository ${root}`);
  }
  return target;
}
