// The job summary as a terminal shows it: GitHub renders the summary's HTML (and the
// Markdown around it); the demo renders the same to plain text: headings, aligned
// tables, indented lists, folded sections by their title, links by their text.

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };

const decode = (text: string) => text.replace(/&(amp|lt|gt|quot|#39);/g, (_, name: string) => ENTITIES[name]);

/** Inline markup to its text: tags dropped, Markdown code spans unwrapped, entities decoded. */
const inline = (html: string) => decode(html.replace(/<[^>]+>/g, '').replace(/`([^`]*)`/g, '$1'));

export function summaryText(html: string): string {
  const lines: string[] = [];
  let depth = 0;
  let line = '';
  const flush = () => {
    if (line.trim()) lines.push(line.trimEnd());
    line = '';
  };
  const tokens = html.split(/(<table>[\s\S]*?<\/table>|<[^>]+>)/);
  for (const token of tokens) {
    const tag = /^<(\/?)(\w+)/.exec(token);
    if (!tag) {
      line += inline(token.replace(/\s*\n\s*/g, ' '));
      continue;
    }
    const [, closing, name] = tag;
    if (name === 'table') {
      flush();
      lines.push(...tableText(token));
    } else if (/^h\d$/.test(name)) {
      flush();
      if (!closing) line = name === 'h2' ? '\n== ' : '\n-- ';
    } else if (name === 'ul' || name === 'details') {
      flush();
      depth += closing ? -1 : 1;
    } else if (name === 'li' || name === 'summary') {
      if (!closing) {
        flush();
        line = `${'  '.repeat(name === 'li' ? depth : depth - 1)}${name === 'li' ? '- ' : '▸ '}`;
      } else flush();
    } else if (name === 'br' || name === 'p') flush();
  }
  flush();
  return `${lines.join('\n')}\n`;
}

/** A table as aligned columns, its header underlined. */
function tableText(table: string): string[] {
  const rows = [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1].matchAll(/<t[hd][^>]*>([\s\S]*?)(?=<t[hd]|$)/g)].map((cell) => inline(cell[1]).trim())
  );
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  const text = rows.map((row) => `  ${row.map((cell, column) => cell.padEnd(widths[column])).join('  ')}`.trimEnd());
  return [text[0], `  ${widths.map((width) => '-'.repeat(width)).join('  ')}`, ...text.slice(1)];
}
