import { resolve as resolvePath } from 'node:path';
import { InputError, RegistryError, messageOf } from '../errors.js';
import { readLockfile, writeLockfile, type LockEntry, type Lockfile } from '../lockfile/lockfile.js';
import type { RegistryClient } from '../remote/registry-client.js';
import { resolveImage, type ResolvedImage } from '../remote/resolve.js';
import { settleLimit } from '../util/map-limit.js';
import { collectReferences, sourcesOf, type Usage } from './collect.js';
import { findingsFor } from './findings.js';
import type { Log } from './log.js';
import type { CommandOptions } from './options.js';
import { createRegistryClient } from './registry.js';
import { commandReport, type CommandReport, type ImageReport } from './report.js';

/**
 * `lock`: resolve every reference to its digest and per-platform manifests and write
 * the lockfile. Nothing is written unless every reference resolved.
 */
export async function lock(options: CommandOptions, log: Log, client = createRegistryClient(options)): Promise<CommandReport> {
  const started = Date.now();
  try {
    const collected = await collectReferences(options);
    const path = resolvePath(options.cwd, options.lockfile);
    const previous = await readLockfile(path);
    const usages = [...collected.usages.values()];
    log.info(`resolving ${usages.length} image reference${usages.length === 1 ? '' : 's'}`);
    const resolved = await resolveAll(client, usages, options);
    const lockfile: Lockfile = { lockfileVersion: 1, images: {} };
    const images: ImageReport[] = usages.map((usage, index) => {
      const entry = toEntry(resolved[index]!, usage);
      const key = usage.reference.toString();
      lockfile.images[key] = entry;
      return { reference: key, ...entry, previousDigest: previous?.images[key]?.digest };
    });
    const changed = await writeLockfile(path, lockfile);
    const removed = Object.keys(previous?.images ?? {}).filter((key) => !(key in lockfile.images));
    return commandReport('lock', {
      options,
      client,
      started,
      changed,
      images,
      removed,
      problems: collected.problems,
      findings: findingsFor(usages, options, (key) => lockfile.images[key]?.digest)
    });
  } finally {
    await client.close();
  }
}

/** Resolves all references with a bound; any failure fails the whole run, reported together. */
export async function resolveAll(client: RegistryClient, usages: Usage[], options: CommandOptions): Promise<ResolvedImage[]> {
  const results = await settleLimit(usages, options.concurrency, (usage) => resolveImage(client, usage.reference, options.platforms));
  const failures = results.filter((result): result is Error => result instanceof Error);
  if (failures.length === 0) return results as ResolvedImage[];
  // A platform nobody offers is the user's input; anything else is the registry's.
  const ErrorType = failures.every((failure) => failure instanceof InputError) ? InputError : RegistryError;
  throw new ErrorType(failures.map(messageOf).join('\n'));
}

function toEntry(image: ResolvedImage, usage: Usage): LockEntry {
  return { digest: image.digest, mediaType: image.mediaType, platforms: image.platforms, sources: sourcesOf(usage) };
}
