// The global teardown proper (global-teardown.ts loads it): stops what setUp() started
// and removes its files.
import { rmSync } from 'node:fs';
import { killRegistriesOf, stopLive } from './setup.js';
import { envFilePath } from './paths.js';
import { readTestEnv } from './state.js';

export async function tearDown(): Promise<void> {
  const live = globalThis.__IMAGE_LOCK_TEST_ENV__;
  if (live) await stopLive(live);
  globalThis.__IMAGE_LOCK_TEST_ENV__ = undefined;
  // Also by pid from the file, in case the handles were not shared with this module.
  const env = readTestEnv();
  if (!env) return;
  await killRegistriesOf(env);
  if (!process.env.IMAGE_LOCK_KEEP_TEST_ENV) {
    rmSync(env.dir, { recursive: true, force: true });
    rmSync(envFilePath(), { force: true });
  }
}
