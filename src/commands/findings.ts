import type { DiscoveryProblem } from '../discovery/types.js';
import { parseReference } from '../name/reference.js';
import { evaluate, type Finding } from '../policy/policy.js';
import type { Usage } from './collect.js';
import type { CommandOptions } from './options.js';

/**
 * The policy's findings over every place a reference is used, scanned or given,
 * each naming the pinned form with the digest `digestOf` knows for it.
 */
export function findingsFor(usages: Usage[], options: CommandOptions, digestOf: (reference: string) => string | undefined): Finding[] {
  const subjects = usages.flatMap((usage) => [...usage.occurrences, ...usage.inputs.map((text) => ({ text }))]);
  return sortFindings(evaluate(subjects, options, (text) => digestOf(parseReference(text).toString())));
}

/** In reading order: by file, then line; findings about given images come last. */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort((a, b) => (a.file ?? '\uffff').localeCompare(b.file ?? '\uffff') || (a.line ?? 0) - (b.line ?? 0));
}

/** Each reference found in a file that does not parse, as an `invalid` finding at level error on its line. */
export function invalidFindings(problems: readonly DiscoveryProblem[]): Finding[] {
  return problems
    .filter((problem) => problem.invalid)
    .map((problem) => ({
      rule: 'invalid',
      level: 'error',
      file: problem.file,
      line: problem.line,
      reference: problem.text ?? '',
      message: problem.message
    }));
}
