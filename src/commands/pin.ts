import type { ImageOccurrence } from '../discovery/types.js';
import { InputError } from '../errors.js';
import type { SignedBy } from '../lockfile/lockfile.js';
import { openLockfile } from '../lockfile/lockfile-file.js';
import { parseReference } from '../name/reference.js';
import { pinFiles } from '../pin/pin.js';
import type { ResolvedImage } from '../remote/resolve.js';
import { collectReferences, type Usage } from './collect.js';
import { findingsFor } from './findings.js';
import { writeLock } from './lock-writer.js';
import { checkSignatures, loadSignatureCheck } from './signatures.js';
import type { Log } from './log.js';
import { dayOf, lockfileRoots, type CommandOptions } from './options.js';
import { createRegistryClient } from './registry.js';
import { commandReport, type CommandReport } from './report.js';
import { resolveAll } from './resolve-all.js';

/**
 * `pin`: resolve every reference like `lock`, rewrite each occurrence in the scanned files
 * to `name:tag@digest`, then write the lockfile for the references as they now stand, so
 * that `verify` passes on the result. What cannot be rewritten safely is a warning on its line.
 */
export async function pin(options: CommandOptions, log: Log, client = createRegistryClient(options)): Promise<CommandReport> {
  const started = Date.now();
  try {
    // A lockfile that cannot be read or written stops the run before any file is touched.
    const file = await openLockfile(options.cwd, options.lockfile, 'write', await lockfileRoots(options));
    const signatureCheck = await loadSignatureCheck(options);
    const before = [...(await collectReferences(options)).usages.values()];
    const resolved = await resolveAll(client, before, options, log);
    const resolutions = resolutionsByKey(before, resolved);
    const locked = before.map((usage, index) => ({ reference: usage.reference, digest: resolved[index].digest }));
    const signatures = await checkSignatures(client, signatureCheck, locked, options.concurrency);
    const digestOf = (occurrence: ImageOccurrence) => resolutions.get(parseReference(occurrence.text).toString())?.digest;
    const result = await pinFiles(
      options.cwd,
      before.flatMap((usage) => usage.occurrences),
      digestOf
    );
    if (result.rewritten.length > 0)
      log.info(`pinned ${result.rewritten.length} reference${result.rewritten.length === 1 ? '' : 's'} in place`);

    // Rescanned, the files give the keys verify will look for: pinned forms where rewritten.
    const after = await collectReferences(options);
    const usages = [...after.usages.values()];
    const written = await writeLock(
      file,
      usages,
      (usage) => resolutionOf(resolutions, usage),
      dayOf(options.now),
      signersByKey(before, resolved, signatures.signedBy)
    );
    return commandReport('pin', {
      options,
      client,
      started,
      changed: written.changed || result.rewritten.length > 0,
      images: written.images,
      removed: written.removed,
      problems: after.problems,
      findings: findingsFor(usages, options, (key) => written.lockfile.images[key]?.digest),
      failures: signatures.failures,
      warnings: [
        ...signatures.warnings,
        ...result.skipped.map((skip) => ({ message: `${skip.text} was not pinned: ${skip.reason}`, file: skip.file, line: skip.line }))
      ],
      rewritten: result.rewritten
    });
  } finally {
    await client.close();
  }
}

/** Each resolution under its reference as it was and as it is once pinned (`name:tag@digest`). */
function resolutionsByKey(usages: Usage[], resolved: ResolvedImage[]): Map<string, ResolvedImage> {
  const byKey = new Map<string, ResolvedImage>();
  usages.forEach((usage, index) => {
    const image = resolved[index];
    byKey.set(usage.reference.toString(), image);
    byKey.set(usage.reference.withDigest(image.digest).toString(), image);
  });
  return byKey;
}

/** Each verified signer under its reference as it was and as it is once pinned, like `resolutionsByKey`. */
function signersByKey(usages: Usage[], resolved: ResolvedImage[], signedBy: ReadonlyMap<string, SignedBy>): Map<string, SignedBy> {
  const byKey = new Map<string, SignedBy>();
  usages.forEach((usage, index) => {
    const signer = signedBy.get(usage.reference.toString());
    if (!signer) return;
    byKey.set(usage.reference.toString(), signer);
    byKey.set(usage.reference.withDigest(resolved[index].digest).toString(), signer);
  });
  return byKey;
}

function resolutionOf(resolutions: Map<string, ResolvedImage>, usage: Usage): ResolvedImage {
  const image = resolutions.get(usage.reference.toString());
  // Only a file changed by someone else while pin ran can hold a reference not resolved above.
  if (!image) throw new InputError(`${usage.reference} appeared while pinning; run \`image-lock pin\` again`);
  return image;
}
