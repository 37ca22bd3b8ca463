import { escapeHtml, htmlList, titledList } from './summary-html.js';
import { sourceLink } from './source-link.js';

/** One line of the findings section: a policy finding, a verification failure, a warning or a discovery problem. */
export interface SummaryNote {
  level: 'error' | 'warn' | 'warning';
  message: string;
  file?: string;
  line?: number;
}

/**
 * The findings grouped per file (files sorted, notes by line), each note linked to its
 * line on GitHub; what concerns no file comes first, ungrouped. Each file's list folds
 * when long.
 */
export function findingsSection(notes: SummaryNote[]): string {
  const general = notes.filter((note) => !note.file).map((note) => `${label(note)}: ${escapeHtml(note.message)}`);
  const byFile = new Map<string, SummaryNote[]>();
  for (const note of notes) if (note.file) byFile.set(note.file, [...(byFile.get(note.file) ?? []), note]);
  const files = [...byFile.keys()].sort();
  const groups = files.map((file) => {
    const items = byFile
      .get(file)!
      .sort((a, b) => (a.line ?? 0) - (b.line ?? 0))
      .map((note) => {
        const place = note.line ? `${sourceLink(`line ${note.line}`, file, note.line)} ` : '';
        return `${label(note)}: ${place}${escapeHtml(note.message)}`;
      });
    return titledList(sourceLink(file, file), items);
  });
  return `${general.length > 0 ? htmlList(general) : ''}${groups.join('')}`;
}

/** `warn` (a policy level) and `warning` (an annotation's) read the same to the user. */
function label(note: SummaryNote): string {
  return note.level === 'error' ? '<strong>error</strong>' : 'warning';
}
