// Result tables as Markdown, padded so they read well in a terminal too and can be
// pasted into docs/BENCHMARKS.md as they are.

export type Align = 'left' | 'right';

export interface Column {
  title: string;
  /** Numbers read best right-aligned; defaults to left. */
  align?: Align;
}

/** A Markdown table with padded cells; `rows` hold one cell per column. */
export function markdownTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((column, i) => Math.max(3, column.title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `| ${columns.map((column, i) => pad(cells[i] ?? '', widths[i], column.align ?? 'left')).join(' | ')} |`;
  const rule = `|${columns.map((column, i) => (column.align === 'right' ? `${'-'.repeat(widths[i] + 1)}:` : '-'.repeat(widths[i] + 2))).join('|')}|`;
  return [line(columns.map((column) => column.title)), rule, ...rows.map(line)].join('\n');
}

function pad(text: string, width: number, align: Align): string {
  return align === 'right' ? text.padStart(width) : text.padEnd(width);
}
