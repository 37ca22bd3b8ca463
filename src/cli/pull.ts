import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseCommandOptions } from '../commands/options.js';
import { pull } from '../commands/pull.js';
import { formatPullReport } from '../commands/pull-format.js';
import { DaemonError } from '../daemon/docker-cli.js';
import { hostPlatform, parsePlatform } from '../platform/platform.js';
import type { CliArgs } from './args.js';
import type { CliIo } from './run.js';

/** `image-lock pull`: prints the report; exit 3 when the images could not be loaded as asked. */
export async function runPull({ values }: CliArgs, io: CliIo): Promise<number> {
  const common = parseCommandOptions({
    cwd: io.cwd,
    lockfile: values.lockfile,
    mutable: values.mutable,
    latest: values.latest,
    mirrors: values.mirror,
    insecureRegistries: values['insecure-registry'],
    concurrency: values.concurrency,
    timeout: values.timeout
  });
  const platform = values.platform?.[0];
  const report = await pull(
    {
      ...common,
      platform: platform ? parsePlatform(platform) : hostPlatform(),
      cacheDir: resolve(io.cwd, values['cache-dir'] ?? defaultCacheDir()),
      load: !values['no-load']
    },
    { info: (message) => io.stderr(`${message}\n`), warn: (message) => io.stderr(`warning: ${message}\n`) }
  );
  io.stdout(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatPullReport(report));
  if (!report.loadSkipped) return 0;
  // After the report, not instead of it: `--json` still prints one document, saying why.
  const failure = new DaemonError(
    `the images are in ${report.cacheDir} but were not loaded: ${report.loadSkipped} (pass --no-load to only fill the cache)`
  );
  io.stderr(`image-lock: ${failure.message}\n`);
  return failure.exitCode;
}

/** `$XDG_CACHE_HOME/image-lock`, else `~/.cache/image-lock`, as other command-line tools keep their caches. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'image-lock');
}
