import type { ReferenceKind } from '../discovery/types.js';
import { parseReference } from '../name/reference.js';
import { scanFiles } from './collect.js';
import type { CommandOptions } from './options.js';

/** One reference found, as `list --json` prints it; `reference` is absent for an invalid one. */
export interface ListedReference {
  file: string;
  line: number;
  text: string;
  reference?: string;
  kind: ReferenceKind;
}

/** What `list` reports: SPEC's `list --json` document, sorted by file then line. */
export interface ListReport {
  references: ListedReference[];
  problems: { file: string; line: number; message: string }[];
}

/**
 * `list`: every reference the scan finds, normalised, with where and as what it was
 * found, and the problems; no network. Invalid references are listed (without a
 * normalised form) and are problems too.
 */
export async function list(options: Pick<CommandOptions, 'cwd' | 'files' | 'exclude'>): Promise<ListReport> {
  const found = (await scanFiles({ ...options, images: [] }))!;
  const references: ListedReference[] = found.occurrences.map(({ file, line, text, kind }) => ({
    file,
    line,
    text,
    reference: parseReference(text).toString(),
    kind
  }));
  for (const problem of found.problems) {
    if (problem.invalid && problem.text !== undefined && problem.kind) {
      references.push({ file: problem.file, line: problem.line, text: problem.text, kind: problem.kind });
    }
  }
  // Stable: on one line, the order the file gave them in stays.
  references.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
  return { references, problems: found.problems.map(({ file, line, message }) => ({ file, line, message })) };
}

/** Exit 1 when a reference in a file does not parse, as for every command; else 0. */
export function listExitCode(report: ListReport): 0 | 1 {
  return report.references.some((reference) => reference.reference === undefined) ? 1 : 0;
}
