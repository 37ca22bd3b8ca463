import { readFile } from 'node:fs/promises';
import { relative, resolve as resolvePath, sep } from 'node:path';
import { openLockfile } from '../lockfile/lockfile-file.js';
import { collectReferences, type Usage } from './collect.js';
import { lockfileCoverage, type StoredLockfile } from './coverage.js';
import { checkDrift } from './drift.js';
import { checkSignatures, loadSignatureCheck } from './signatures.js';
import { findingsFor } from './findings.js';
import type { Log } from './log.js';
import type { CommandOptions } from './options.js';
import { createRegistryClient } from './registry.js';
import { commandReport, type CommandReport, type Notice } from './report.js';

/**
 * `verify`: the lockfile must hold every reference in use and nothing else, and (at the
 * `drift` level) each tag must still point to its locked digest. Changes no file.
 */
export async function verify(options: CommandOptions, log: Log, client = createRegistryClient(options)): Promise<CommandReport> {
  const started = Date.now();
  try {
    const collected = await collectReferences(options);
    const usages = [...collected.usages.values()];
    const stored = await readStoredLockfile(options);
    const signatureCheck = await loadSignatureCheck(options);
    const parts = { options, client, started, changed: false, problems: collected.problems };
    if (!stored) {
      const findings = findingsFor(usages, options, () => undefined);
      return commandReport('verify', { ...parts, images: [], removed: [], findings, failures: noLockfile(usages, options.lockfile) });
    }
    log.info(`verifying ${usages.length} image reference${usages.length === 1 ? '' : 's'} against ${options.lockfile}`);
    const coverage = lockfileCoverage(usages, stored);
    const lockedDigests = coverage.locked.map(({ usage, entry }) => ({ reference: usage.reference, digest: entry.digest }));
    const [drift, signatures] = await Promise.all([
      checkDrift(client, coverage.locked, options, log),
      checkSignatures(client, signatureCheck, lockedDigests, options.concurrency)
    ]);
    return commandReport('verify', {
      ...parts,
      images: drift.images,
      removed: coverage.unused,
      findings: findingsFor(usages, options, (key) => stored.lockfile.images[key]?.digest),
      failures: [...coverage.failures, ...drift.failures, ...signatures.failures],
      warnings: [...coverage.warnings, ...drift.warnings, ...signatures.warnings]
    });
  } finally {
    await client.close();
  }
}

/** Without a lockfile every reference is missing from it: one failure says so and what to run. */
function noLockfile(usages: Usage[], name: string): Notice[] {
  if (usages.length === 0) return [];
  const count = `${usages.length} image reference${usages.length === 1 ? ' is' : 's are'}`;
  return [{ message: `there is no lockfile ${name}, so ${count} not locked; run \`image-lock lock\` to write it` }];
}

async function readStoredLockfile(options: CommandOptions): Promise<StoredLockfile | undefined> {
  const { path, previous: lockfile } = await openLockfile(options.cwd, options.lockfile, 'read');
  if (!lockfile) return undefined;
  const file = relative(options.cwd, resolvePath(options.cwd, options.lockfile)).split(sep).join('/');
  return { lockfile, name: options.lockfile, file, text: await readFile(path, 'utf8') };
}
