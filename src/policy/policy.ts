import { parseReference, type Reference } from '../name/reference.js';
import { pinnedForm } from '../pin/pinned-form.js';
import { isAllowed } from './allow.js';

/** How a rule is enforced: `error` fails the run, `warn` reports, `ignore` is silent. */
export type Level = 'error' | 'warn' | 'ignore';
export type Rule = 'mutable' | 'latest';

export interface PolicyOptions {
  mutable: Level;
  latest: Level;
  /** Patterns of references exempt from both rules (see `isAllowed`). */
  allow: readonly string[];
}

/** A reference as written and where: a scanned occurrence, or an image given as input (no file). */
export interface PolicySubject {
  text: string;
  file?: string;
  line?: number;
}

export interface Finding {
  /** A policy rule, or `invalid`: a reference found in a file that does not parse (always an error). */
  rule: Rule | 'invalid';
  level: Exclude<Level, 'ignore'>;
  /** Absent for references given as input rather than found in a file. */
  file?: string;
  line?: number;
  /** The normalised reference; for an `invalid` one, the text as found. */
  reference: string;
  /** Names the pinned form to use, or says its digest is unknown. */
  message: string;
  /** The reference as written, pinned (`name:tag@sha256:…`), when its digest is known. */
  suggestion?: string;
}

const UNKNOWN_DIGEST = 'the digest is not known: the reference was not resolved';

/**
 * The findings for each occurrence, in order: `mutable` when no digest pins it, `latest`
 * when its tag is `latest`, written or implied (one reference can have both).
 * `pinned(text)` gives the digest resolution found for a reference as written. An
 * occurrence that does not parse is bad input (`InputError`).
 */
export function evaluate(
  occurrences: readonly PolicySubject[],
  options: PolicyOptions,
  pinned: (text: string) => string | undefined
): Finding[] {
  const findings: Finding[] = [];
  for (const occurrence of occurrences) {
    const reference = parseReference(occurrence.text);
    if (isAllowed(reference, options.allow)) continue;
    const digest = pinned(occurrence.text);
    const suggestion = digest === undefined ? undefined : pinnedForm(occurrence.text, digest);
    const pinTo = suggestion ?? `${pinnedForm(occurrence.text, 'sha256:…')} (${UNKNOWN_DIGEST})`;
    const finding = (rule: Rule, level: Level, message: string) => {
      if (level === 'ignore') return;
      findings.push({
        rule,
        level,
        file: occurrence.file,
        line: occurrence.line,
        reference: reference.toString(),
        message,
        ...(suggestion && { suggestion })
      });
    };
    if (!reference.digest) {
      finding('mutable', options.mutable, `${occurrence.text} is not pinned by digest; use ${pinTo}`);
    }
    if (reference.tag === 'latest') finding('latest', options.latest, latestMessage(occurrence.text, reference, pinTo));
  }
  return findings;
}

function latestMessage(text: string, reference: Reference, pinTo: string): string {
  const tag = reference.writtenTag === undefined ? 'has no tag, so it means "latest"' : 'uses the "latest" tag';
  if (reference.digest) return `${text} ${tag}, which says nothing about the version it is pinned to; name a version tag`;
  return `${text} ${tag}, which moves with every release; name a version tag and pin it, or at least pin this one: ${pinTo}`;
}
