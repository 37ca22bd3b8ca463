import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

/**
 * What files image-lock found and rewrites itself (`pin`, `update`) must stay inside: the
 * top of the git work tree holding `cwd` (a `.git` folder, or the `.git` file of a
 * worktree or submodule), else `cwd` itself. Found by walking up, without running git.
 */
export async function repositoryRoot(cwd: string): Promise<string> {
  const start = resolve(cwd);
  for (let folder = start; ; folder = dirname(folder)) {
    if (
      await stat(join(folder, '.git')).then(
        () => true,
        () => false
      )
    )
      return folder;
    if (dirname(folder) === folder) return start;
  }
}
