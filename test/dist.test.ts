import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const ROOT = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath ?? entry.path, entry.name)))
    .sort();
}

// dist/ is committed because the action runs it as is; it must be what the sources build.
test('dist/ matches a fresh build of the sources', async () => {
  const out = await mkdtemp(join(tmpdir(), 'image-lock-dist-'));
  try {
    execFileSync(process.execPath, [join(ROOT, 'scripts/bundle.mjs'), out], { cwd: ROOT, stdio: 'pipe' });
    const built = await listFiles(out);
    expect(await listFiles(join(ROOT, 'dist'))).toEqual(built);
    for (const file of built) {
      const fresh = await readFile(join(out, file));
      const committed = await readFile(join(ROOT, 'dist', file));
      if (!fresh.equals(committed)) throw new Error(`dist/${file} differs from a fresh build: run npm run build and commit dist/`);
    }
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}, 300_000);
