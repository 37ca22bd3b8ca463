import { readFile, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isInside } from '../fs/confine.js';
import type { Repository } from './file-kind.js';

/**
 * The repository as discovery reads it: files by repository-relative path, each only if
 * its real path (through symbolic links) stays inside the repository and is a file.
 */
export class RepositoryFiles implements Repository {
  private readonly realPaths = new Map<string, Promise<string | undefined>>();
  private root: Promise<string> | undefined;

  constructor(
    private readonly cwd: string,
    readonly env: Readonly<Record<string, string | undefined>>
  ) {}

  /** The file's text; undefined when it is missing or not a file inside the repository. */
  async readText(path: string): Promise<string | undefined> {
    return (await this.hasFile(path)) ? readFile(join(this.cwd, path), 'utf8').catch(() => undefined) : undefined;
  }

  /** Whether `path` is a file inside the repository by its real path. */
  async hasFile(path: string): Promise<boolean> {
    return (await this.realPath(path)) !== undefined;
  }

  /** Where a path that links out of the repository leads; undefined for any other path. */
  async outsideTarget(path: string): Promise<string | undefined> {
    if (await this.realPath(path)) return undefined;
    return realpath(join(this.cwd, path)).catch(() => undefined);
  }

  /** Whether the path reaches its file through no symbolic link. */
  async isLinkFree(path: string): Promise<boolean> {
    const real = await this.realPath(path);
    return real !== undefined && real === join(await (this.root ??= realpath(this.cwd)), path);
  }

  /** The file's real path (through symbolic links) if it is a file inside the repository; answered once per path. */
  realPath(path: string): Promise<string | undefined> {
    let answer = this.realPaths.get(path);
    if (!answer) {
      answer = this.insideFile(path);
      this.realPaths.set(path, answer);
    }
    return answer;
  }

  private async insideFile(path: string): Promise<string | undefined> {
    try {
      const root = await (this.root ??= realpath(this.cwd));
      const real = await realpath(join(this.cwd, path));
      if (real === root || !isInside(root, real)) return undefined;
      return (await stat(real)).isFile() ? real : undefined;
    } catch {
      return undefined;
    }
  }
}
