import { join } from 'node:path';
import type { ImageOccurrence } from '../discovery/types.js';
import { parseDigest } from '../name/reference.js';
import { repositoryRoot } from '../fs/repository-root.js';
import { pinnedForm } from './pinned-form.js';
import { replaceSpans, type Replacement } from './replace-spans.js';

export interface Rewrite {
  file: string;
  /** The line that changed (for a reference from an ARG default, the ARG's line). */
  line: number;
  from: string;
  to: string;
}

export interface Skipped {
  file: string;
  line: number;
  text: string;
  reason: string;
}

export interface PinResult {
  rewritten: Rewrite[];
  skipped: Skipped[];
}

/** One planned replacement of a span; several occurrences can share it (one ARG, many FROMs). */
interface Change extends Replacement {
  file: string;
  occurrences: ImageOccurrence[];
  /** What the report says changed: the reference as written, and pinned. */
  shown: { from: string; to: string };
  /** Set when occurrences sharing the span were resolved to different digests. */
  conflict?: boolean;
}

/**
 * Rewrites each occurrence in place to `name:tag@digest`, touching only the span where
 * its reference is written, so quotes, comments, indentation and line endings stay.
 * What has no safe span or no digest is reported in `skipped`, never guessed. Each file
 * is written once, atomically, and only if every span still holds the text discovery
 * saw; otherwise the file is left alone and its changes are reported as skipped.
 */
export async function pinFiles(
  cwd: string,
  occurrences: readonly ImageOccurrence[],
  digestFor: (occurrence: ImageOccurrence) => string | undefined
): Promise<PinResult> {
  const result: PinResult = { rewritten: [], skipped: [] };
  const skip = (occurrence: ImageOccurrence, reason: string) =>
    result.skipped.push({ file: occurrence.file, line: occurrence.line, text: occurrence.text, reason });

  const root = await repositoryRoot(cwd);
  for (const [file, changes] of planChanges(occurrences, digestFor, skip)) {
    const applicable: Change[] = [];
    for (const change of changes) {
      if (change.conflict) for (const occurrence of change.occurrences) skip(occurrence, SHARED_SPAN);
      else if (change.to !== change.from) applicable.push(change);
    }
    const failure = await replaceSpans(join(cwd, file), applicable, root);
    for (const change of applicable) {
      if (failure) for (const occurrence of change.occurrences) skip(occurrence, failure);
      else result.rewritten.push({ file, line: change.span.line, ...change.shown });
    }
  }
  // Stable sorts: within a line, the order the occurrences came in stays.
  result.rewritten.sort(byPlace);
  result.skipped.sort(byPlace);
  return result;
}

const UNRESOLVED = 'its digest is not known (the reference was not resolved)';
const NOT_LITERAL = 'it is not written out literally in one place (built from variables, escaped or split)';
const SHARED_SPAN = 'where it is written is shared with references resolved to other digests';

/**
 * The changes per file, one per span: several occurrences can share a span (one ARG
 * default, several FROMs), and must then agree on the digest, already pinned ones included.
 */
function planChanges(
  occurrences: readonly ImageOccurrence[],
  digestFor: (occurrence: ImageOccurrence) => string | undefined,
  skip: (occurrence: ImageOccurrence, reason: string) => void
): Map<string, Change[]> {
  const changesBySpan = new Map<string, Change>();
  for (const occurrence of occurrences) {
    const digest = digestFor(occurrence);
    if (digest === undefined) {
      skip(occurrence, UNRESOLVED);
      continue;
    }
    if (!isDigest(digest)) {
      skip(occurrence, `invalid digest "${digest}"`);
      continue;
    }
    const pinned = pinnedForm(occurrence.text, digest);
    const replacement = replacementFor(occurrence, pinned, digest);
    if (!replacement) {
      if (pinned !== occurrence.text) skip(occurrence, `${occurrence.unpinnable ?? NOT_LITERAL}; pin it by hand as ${pinned}`);
      continue;
    }
    const { span, to } = replacement;
    const key = JSON.stringify([occurrence.file, span.line, span.column, span.length]);
    const shown = { from: occurrence.text, to: pinned };
    const change = changesBySpan.get(key) ?? { file: occurrence.file, ...replacement, shown, occurrences: [] };
    changesBySpan.set(key, change);
    change.occurrences.push(occurrence);
    if (change.to !== to) change.conflict = true;
  }
  const byFile = new Map<string, Change[]>();
  for (const change of changesBySpan.values()) byFile.set(change.file, [...(byFile.get(change.file) ?? []), change]);
  return new Map([...byFile].sort(([a], [b]) => byPlace({ file: a, line: 0 }, { file: b, line: 0 })));
}

/** The reference's own text replaced by its pinned form, or (a map's) digest written into its slot. */
function replacementFor(occurrence: ImageOccurrence, pinned: string, digest: string): Replacement | undefined {
  if (occurrence.edit) return { span: occurrence.edit, from: occurrence.text, to: pinned };
  const slot = occurrence.digestSlot;
  return slot && { span: slot.span, from: slot.from, to: slot.from === digest ? digest : `${slot.prefix}${digest}` };
}

function byPlace(a: { file: string; line: number }, b: { file: string; line: number }): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line;
}

function isDigest(digest: string): boolean {
  try {
    parseDigest(digest);
    return true;
  } catch {
    return false;
  }
}
