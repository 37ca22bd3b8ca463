// jest globalTeardown: runs the teardown that global-setup.ts transpiled (same reason:
// no relative imports here). Same process as the set-up, so the env var is still set.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

interface ProjectConfig {
  rootDir: string;
}

export default async function globalTeardown(_globalConfig: unknown, projectConfig: ProjectConfig): Promise<void> {
  const buildDir = process.env.IMAGE_LOCK_ENV_BUILD ?? join(projectConfig.rootDir, '.tmp', 'env-build');
  const teardown = (await import(pathToFileURL(join(buildDir, 'teardown.js')).href)) as { tearDown(): Promise<void> };
  await teardown.tearDown();
  if (!process.env.IMAGE_LOCK_KEEP_TEST_ENV) rmSync(buildDir, { recursive: true, force: true });
}
