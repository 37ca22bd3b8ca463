import { openLockfile } from '../lockfile/lockfile-file.js';
import { collectReferences } from './collect.js';
import { findingsFor } from './findings.js';
import { checkSignatures, loadSignatureCheck } from './signatures.js';
import { writeLock } from './lock-writer.js';
import type { Log } from './log.js';
import { dayOf, lockfileRoots, type CommandOptions } from './options.js';
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
    const file = await openLockfile(options.cwd, options.lockfile, 'write', await lockfileRoots(options));
    const signatureCheck = await loadSignatureCheck(options);
    const collected = await collectReferences(options);
    const usages = [...collected.usages.values()];
    const resolved = await resolveAll(client, usages, options, log);
    const locked = usages.map((usage, index) => ({ reference: usage.reference, digest: resolved[index].digest }));
    const signatures = await checkSignatures(client, signatureCheck, locked, options.concurrency);
    const written = await writeLock(file, usages, (_usage, index) => resolved[index], dayOf(options.now), signatures.signedBy);
    return commandReport('lock', {
      options,
      client,
      started,
      changed: written.changed,
      images: written.images,
      removed: written.removed,
      problems: collected.problems,
      findings: findingsFor(usages, options, (key) => written.lockfile.images[key]?.digest),
      failures: signatures.failures,
      warnings: signatures.warnings
    });
  } finally {
    await client.close();
  }
}
