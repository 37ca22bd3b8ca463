// The real @actions/cache against the local cache service (test/env/cache-service.ts),
// driven from the benchmark's own process the way the action drives it: tar + zstd on
// this machine, uploads and downloads through azurite.
import { startCacheService, type CacheService } from '../test/env/cache-service.js';
import type { Bench } from './harness.js';

type ActionsCache = typeof import('@actions/cache');

export interface BenchCache {
  /** The variables a job's steps need to reach the cache service. */
  env: Record<string, string>;
  /** The bytes the service keeps for the entries whose keys start with `prefix`. */
  entryBytes(prefix: string): number;
  /** Saves `dir` under `key`; returns the entry's size as stored (the compressed archive). */
  save(dir: string, key: string): Promise<number>;
  /** Restores the entry `key` into `dir` (the same path it was saved from); throws on a miss. */
  restore(dir: string, key: string): Promise<void>;
}

export async function startBenchCache(bench: Bench, workspace: string): Promise<BenchCache> {
  const service: CacheService = await startCacheService();
  bench.defer(() => service.stop());
  // @actions/cache reads these when called; the archive's paths are relative to the workspace.
  Object.assign(process.env, service.env, { GITHUB_WORKSPACE: workspace });
  const cache: ActionsCache = await import('@actions/cache');
  return {
    env: service.env,
    entryBytes: (prefix) =>
      service
        .entries()
        .filter((entry) => entry.key.startsWith(prefix))
        .reduce((sum, entry) => sum + entry.size, 0),
    save: async (dir, key) => {
      if ((await toStderr(() => cache.saveCache([dir], key))) === -1) throw new Error(`the cache entry ${key} was not saved`);
      return service.entries().find((entry) => entry.key === key)!.size;
    },
    restore: async (dir, key) => {
      if ((await toStderr(() => cache.restoreCache([dir], key))) !== key) throw new Error(`no cache entry ${key}`);
    }
  };
}

/** @actions/core logs on stdout, where the benchmark's results go: send it to stderr meanwhile. */
async function toStderr<T>(fn: () => Promise<T>): Promise<T> {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = process.stderr.write.bind(process.stderr);
  try {
    return await fn();
  } finally {
    process.stdout.write = write;
  }
}
