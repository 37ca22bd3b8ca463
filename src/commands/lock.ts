import { resolve as resolvePath } from 'node:path';
import { readLockfile } from '../lockfile/lockfile.js';
import { collectReferences } from './collect.js';
import { findingsFor } from './findings.js';
import { writeLock } from './lock-writer.js';
import type { Log } from './log.js';
import type { CommandOptions } from './options.js';
import { createRegistryClient } from './registry.js';
import { commandReport, type CommandReport } from './report.js';
import { resolveAll } from './resolve-all.js';

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
    const resolved = await resolveAll(client, usages, options, log);
    const written = await writeLock(path, previous, usages, (_usage, index) => resolved[index]);
    return commandReport('lock', {
      options,
      client,
      started,
      changed: written.changed,
      images: written.images,
      removed: written.removed,
      problems: collected.problems,
      findings: findingsFor(usages, options, (key) => written.lockfile.images[key]?.digest)
    });
  } finally {
    await client.close();
  }
}
