import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repositoryRoot } from '../../src/fs/repository-root.js';

describe('repositoryRoot: what pin and update confine their rewrites to', () => {
  test('the git work tree top above the working directory, by a .git folder or a worktree .git file', async () => {
    const top = await mkdtemp(join(tmpdir(), 'repo-root-'));
    await mkdir(join(top, '.git'));
    await mkdir(join(top, 'deploy', 'app'), { recursive: true });
    expect(await repositoryRoot(join(top, 'deploy', 'app'))).toBe(top);
    await writeFile(join(top, 'deploy', '.git'), 'gitdir: /elsewhere/.git/worktrees/deploy\n');
    expect(await repositoryRoot(join(top, 'deploy', 'app'))).toBe(join(top, 'deploy'));
  });

  test('the working directory itself outside any git work tree', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'repo-root-'));
    await mkdir(join(dir, 'sub'));
    // A temporary folder has no .git above it on a test machine; the walk ends at the file system's root.
    expect(await repositoryRoot(join(dir, 'sub'))).toBe(join(dir, 'sub'));
  });
});
