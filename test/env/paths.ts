// Where the test environment keeps its files. Computed from the repository root, not
// from import.meta: jest loads global-setup through a CommonJS transform (no import.meta)
// while test files run as ESM, and both must agree on the same paths.
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root: the nearest folder above the cwd whose package.json is image-lock's. */
export function repoRoot(): string {
  const fromEnv = process.env.IMAGE_LOCK_REPO_ROOT;
  if (fromEnv) return fromEnv;
  let dir = process.cwd();
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'image-lock') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`test env: no image-lock package.json above ${process.cwd()}`);
    dir = parent;
  }
}

/** `<repo>/.tmp`, gitignored scratch space shared by the set-up process and the tests. */
export function tmpRoot(): string {
  const dir = join(repoRoot(), '.tmp');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * The JSON file the global set-up writes for the tests to read: one per run (the
 * set-up names it in the environment its workers inherit), so two runs side by side
 * do not read each other's registries.
 */
export function envFilePath(): string {
  return process.env.IMAGE_LOCK_TEST_ENV_FILE ?? join(tmpRoot(), `test-env-${process.pid}.json`);
}

/** A fresh unique folder under `<repo>/.tmp`. */
export function makeTempDir(prefix: string): string {
  return mkdtempSync(join(tmpRoot(), `${prefix}-`));
}
