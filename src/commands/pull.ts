import { DockerDaemon } from '../daemon/docker-daemon.js';
import { InputError } from '../errors.js';
import { BlobStore } from '../layout/blob-store.js';
import type { LockEntry } from '../lockfile/lockfile.js';
import { openLockfile } from '../lockfile/lockfile-file.js';
import { formatPlatform, type Platform } from '../platform/platform.js';
import { pullImages, type PullOptions, type PullResult } from '../pull/pull.js';
import { pullTargets } from '../pull/pull-target.js';
import type { Log } from './log.js';
import type { CommandOptions } from './options.js';
import { formatProgress, unlinkedWarning } from './pull-format.js';
import { createRegistryClient } from './registry.js';

/** What `pull` takes, from the CLI's flags or the action's inputs. */
export interface PullCommandOptions extends Pick<
  CommandOptions,
  'cwd' | 'lockfile' | 'mirrors' | 'insecureRegistries' | 'concurrency' | 'timeout' | 'githubToken'
> {
  platform: Platform;
  /** The blob store's folder (an OCI image layout). */
  cacheDir: string;
  /** Whether to load into the Docker daemon; without, the store is only filled. */
  load: boolean;
  /** The daemon to load into, when the caller has asked it its status already (the action); a new one otherwise. */
  daemon?: DockerDaemon;
  /** Least time between two progress lines. */
  progressIntervalMs?: number;
  /** See `PullOptions.arrival`: the action's Actions cache restore, still under way. */
  arrival?: PullOptions['arrival'];
}

/** The run's result, with what it ran on: what `--json` prints and the action summarises. */
export interface PullReport extends PullResult {
  /** The lockfile's path as the user gave it. */
  lockfile: string;
  platform: string;
  cacheDir: string;
  durationMs: number;
}

/** The locked images to pull; a missing or empty lockfile is bad input (lock first). */
export async function readLockedImages(options: Pick<PullCommandOptions, 'cwd' | 'lockfile'>): Promise<Record<string, LockEntry>> {
  const { previous: lockfile } = await openLockfile(options.cwd, options.lockfile, 'read');
  if (!lockfile) throw new InputError(`no lockfile at ${options.lockfile}: run image-lock lock first`);
  if (Object.keys(lockfile.images).length === 0) throw new InputError(`${options.lockfile} locks no images: nothing to pull`);
  return lockfile.images;
}

/** The image manifests a pull of `images` for `platform` uses, sorted: what identifies a cache entry. */
export function lockedManifests(images: Record<string, LockEntry>, platform: Platform): string[] {
  return [...new Set(pullTargets(images, platform).map((target) => target.manifestDigest))].sort();
}

/**
 * `pull`: every locked image for one platform into the blob store (from it when sound,
 * else from the registries), then into the Docker daemon unless `load` is off.
 */
export async function pull(options: PullCommandOptions, log: Log, images?: Record<string, LockEntry>): Promise<PullReport> {
  const started = Date.now();
  const locked = images ?? (await readLockedImages(options));
  const store = await BlobStore.open(options.cacheDir);
  const client = createRegistryClient(options);
  try {
    const result = await pullImages({
      images: locked,
      platform: options.platform,
      store,
      client,
      daemon: options.load ? (options.daemon ?? new DockerDaemon()) : undefined,
      concurrency: options.concurrency,
      onProgress: (progress) => log.info(formatProgress(progress)),
      progressIntervalMs: options.progressIntervalMs,
      arrival: options.arrival
    });
    const report = {
      ...result,
      lockfile: options.lockfile,
      platform: formatPlatform(options.platform),
      cacheDir: options.cacheDir,
      durationMs: Date.now() - started
    };
    const warning = unlinkedWarning(report);
    if (warning) log.warn(warning);
    return report;
  } finally {
    await client.close();
  }
}
