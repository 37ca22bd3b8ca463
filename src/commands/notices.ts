import type { Usage } from './collect.js';
import type { Notice } from './report.js';

/** One notice per place a reference is used: each line it is found on, and once if it was given as input. */
export function noticesAt(usage: Usage, message: string): Notice[] {
  const given = usage.inputs.length > 0 ? [{ message }] : [];
  return [...usage.occurrences.map((occurrence) => ({ message, file: occurrence.file, line: occurrence.line })), ...given];
}
