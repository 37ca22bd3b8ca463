import { resolve } from 'node:path';
import { writeFileAtomic } from '../fs/atomic.js';
import { checkWritable, writeTarget } from '../fs/confine.js';
import { openLockfile, saveLockfile } from '../lockfile/lockfile-file.js';
import { firstSeenDays, firstSeenField, serializeLockfile } from '../lockfile/lockfile.js';
import { parseReference } from '../name/reference.js';
import { pinFiles } from '../pin/pin.js';
import { collectReferences, sourcesOf } from './collect.js';
import { findingsFor } from './findings.js';
import type { Log } from './log.js';
import { dayOf, lockfileRoots } from './options.js';
import { noticesAt } from './notices.js';
import { createRegistryClient } from './registry.js';
import { commandReport, type CommandReport, type ImageReport } from './report.js';
import { loadSignatureCheck } from './signatures.js';
import { checkTags, type ImageUpdate, type Move } from './update-check.js';
import { lockfileAfterMoves } from './update-lockfile.js';
import { updateMarkdown } from './update-markdown.js';
import { findNewerVersions, type NewerVersions } from './update-newer.js';
import type { UpdateOptions } from './update-options.js';
import { updateTargets, type Pin } from './update-targets.js';

/** What `update` reports beyond the common report: what moved, what was taken, what was left and why. */
export interface UpdateReport extends CommandReport {
  command: 'update';
  /** Pins moved to their tag's new digest. */
  updated: ImageUpdate[];
  /** Pins whose tag moved, left for now (cooldown, unknown age). */
  skipped: ImageUpdate[];
  /** Pins whose tag still points to their digest. */
  unchanged: string[];
  /** Pins left as they were for a reason worth a warning: their tag is gone, their platform left the index. */
  kept: { reference: string; reason: string }[];
  /** Digest-only references: no tag to follow. */
  untracked: string[];
  /** With `newer`: newer version-shaped tags (reported only). */
  newer: NewerVersions[];
  /** Things worth knowing that fail nothing (a registry that refused to list tags). */
  notes: string[];
  /** The Markdown report's path, as given, when one was written. */
  reportFile?: string;
}

/**
 * `update`: follows the tag of every `name:tag@digest` reference in the files and the
 * lockfile. Where the tag moved to an image old enough for the cooldown, the digest is
 * rewritten in every file using it (pin's rules: only the span, atomically) and the
 * lockfile entry moves with it. Nothing is written unless every tag could be checked.
 */
export async function update(options: UpdateOptions, log: Log, client = createRegistryClient(options)): Promise<UpdateReport> {
  const started = Date.now();
  try {
    const reportPath = options.reportFile ? await reportTarget(options.cwd, options.reportFile, options.writableRoots) : undefined;
    const file = await openLockfile(options.cwd, options.lockfile, 'write', await lockfileRoots(options));
    const signatureCheck = await loadSignatureCheck(options);
    const lockfile = file.previous;
    const before = await collectReferences(options);
    const targets = updateTargets([...before.usages.values()], lockfile);
    const days = firstSeenDays(lockfile);
    const checked = await checkTags(
      client,
      targets.followed,
      options,
      log,
      (digest) => firstSeenField(days, digest, dayOf(options.now)).firstSeen,
      signatureCheck
    );
    const newer = options.newer ? await findNewerVersions(client, targets.followed, options.concurrency) : { newer: [], notes: [] };

    const taken = checked.moves.filter((move) => move.update.status === 'updated');
    const digestByKey = new Map(taken.map((move) => [move.pin.key, move.image.digest]));
    const pinned = await pinFiles(
      options.cwd,
      taken.flatMap((move) => move.pin.usage?.occurrences ?? []),
      (occurrence) => digestByKey.get(parseReference(occurrence.text).toString())
    );
    if (pinned.rewritten.length > 0)
      log.info(`updated ${pinned.rewritten.length} reference${pinned.rewritten.length === 1 ? '' : 's'} in place`);
    const after = pinned.rewritten.length > 0 ? await collectReferences(options) : before;
    const moved = lockfile && lockfileAfterMoves(lockfile, checked.moves, checked.unchanged, after.usages);
    // Written only when an entry changed, so that a lockfile laid out by hand is not reformatted for nothing.
    const lockChanged = moved && serializeLockfile(moved) !== serializeLockfile(lockfile) ? await saveLockfile(file, moved) : false;

    const usages = [...after.usages.values()];
    const report: UpdateReport = {
      ...commandReport('update', {
        options,
        client,
        started,
        changed: lockChanged || pinned.rewritten.length > 0,
        images: imagesAfter(checked.moves, [...checked.unchanged, ...checked.kept.map(({ pin }) => pin)]),
        removed: [],
        problems: after.problems,
        findings: findingsFor(usages, options, (key) => lockfile?.images[key]?.digest ?? digestByKey.get(key)),
        warnings: [
          ...checked.kept.flatMap(({ pin, reason }) => (pin.usage ? noticesAt(pin.usage, reason) : [{ message: `${pin.key}: ${reason}` }])),
          ...pinned.skipped.map((skip) => ({ message: `${skip.text} was not updated: ${skip.reason}`, file: skip.file, line: skip.line })),
          ...taken.flatMap(({ pin, update }) =>
            (pin.usage?.inputs ?? []).map((input) => ({
              message: `${input} was given as an input and cannot be rewritten: use ${update.reference}@${update.to} from now on`
            }))
          )
        ],
        rewritten: pinned.rewritten
      }),
      command: 'update',
      updated: taken.map((move) => move.update),
      skipped: checked.moves.filter((move) => move.update.status !== 'updated').map((move) => move.update),
      unchanged: checked.unchanged.map((pin) => pin.key),
      kept: checked.kept.map(({ pin, reason }) => ({ reference: pin.key, reason })),
      untracked: targets.untracked,
      newer: newer.newer,
      notes: newer.notes,
      ...(options.reportFile ? { reportFile: options.reportFile } : {})
    };
    if (reportPath) await writeFileAtomic(reportPath, updateMarkdown(report), { roots: options.writableRoots, label: options.reportFile });
    return report;
  } finally {
    await client.close();
  }
}

/** Each followed pin as it stands after the run: moved ones under their new form, with the digest they had. */
function imagesAfter(moves: readonly Move[], unchanged: readonly Pin[]): ImageReport[] {
  const images: ImageReport[] = [
    ...moves.map(({ pin, update, image }) => {
      const taken = update.status === 'updated';
      const platforms = taken ? image.platforms : (pin.entry?.platforms ?? {});
      const digest = taken ? image.digest : pin.digest;
      const reference = taken ? `${update.reference}@${image.digest}` : pin.key;
      const mediaType = taken ? image.mediaType : (pin.entry?.mediaType ?? image.mediaType);
      return { reference, digest, mediaType, platforms, sources: sourcesOfPin(pin), previousDigest: pin.digest };
    }),
    ...unchanged.map((pin) => ({
      reference: pin.key,
      digest: pin.digest,
      mediaType: pin.entry?.mediaType ?? '',
      platforms: pin.entry?.platforms ?? {},
      sources: sourcesOfPin(pin),
      previousDigest: pin.digest
    }))
  ];
  return images.sort((a, b) => (a.reference < b.reference ? -1 : a.reference > b.reference ? 1 : 0));
}

function sourcesOfPin(pin: Pin): string[] {
  return pin.usage ? sourcesOf(pin.usage) : (pin.entry?.sources ?? []);
}

/** The report's real path, where it may be written and writable: checked before any network work. */
async function reportTarget(cwd: string, reportFile: string, roots: readonly string[] | undefined): Promise<string> {
  const label = `the report ${reportFile}`;
  const path = await writeTarget(resolve(cwd, reportFile), roots, label);
  await checkWritable(path, label);
  return path;
}
