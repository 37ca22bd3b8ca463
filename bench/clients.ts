// The clients benchmarks compare, run as users run them: image-lock's bundled CLI as a
// child process (start-up included, as in CI), and skopeo from the distribution.
import { join } from 'node:path';
import { repoRoot } from '../test/env/paths.js';
import { run, type RunResult } from '../test/env/proc.js';
import { sha256Of, skopeoRaw } from '../test/env/skopeo.js';

/**
 * The CLI bundle scripts/bench.sh builds: what the package ships, not the TypeScript
 * sources. BENCH_IMAGE_LOCK_CLI names another bundle, e.g. a candidate fix built with
 * `node scripts/bundle.mjs .tmp/candidate`, to compare without touching dist/.
 */
export function imageLockCli(): string {
  return process.env.BENCH_IMAGE_LOCK_CLI || join(repoRoot(), 'dist', 'cli', 'index.js');
}

export interface ImageLockRun {
  /** Folder holding config.json with the registry credentials. */
  dockerConfigDir: string;
  timeoutMs: number;
  /** The repository it runs in (its files and lockfile); the benchmark's own folder when not given. */
  cwd?: string;
}

/**
 * `node dist/cli/index.js <args>` with only `dockerConfigDir`'s credentials in reach;
 * throws with the end of stderr when it exits non-zero (not the command line: it may
 * hold dozens of references).
 */
export async function runImageLock(args: readonly string[], options: ImageLockRun): Promise<RunResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_CONFIG: options.dockerConfigDir };
  // The environment variable would take precedence over the file.
  delete env.DOCKER_AUTH_CONFIG;
  const result = await run(process.execPath, [imageLockCli(), ...args], { env, timeoutMs: options.timeoutMs, cwd: options.cwd });
  if (result.code !== 0) {
    throw new Error(`image-lock ${args[0]} exited ${result.code}: ${result.stderr.trim().split('\n').slice(-10).join('\n')}`);
  }
  return result;
}

/** `--image ref` for each reference. */
export function imageFlags(references: readonly string[]): string[] {
  return references.flatMap((reference) => ['--image', reference]);
}

/**
 * `skopeo inspect --raw` once per reference, one after another (a shell loop's way),
 * against a plain-http registry with credentials. Returns the digest of each manifest.
 */
export async function skopeoDigestLoop(references: readonly string[], creds: string): Promise<string[]> {
  const digests: string[] = [];
  for (const reference of references) digests.push(sha256Of(await skopeoRaw(reference, { creds, tlsVerify: false })));
  return digests;
}
