/**
 * Text `kubectl` reads but a strict YAML 1.2 parser refuses: flow collections and quoted
 * scalars continued on lines indented no deeper than the line they opened on, such as
 *
 *     command: ["sh", "-c",
 *     "exec app"]
 *
 * (libyaml ignores indentation inside flow context). Such continuation lines are indented
 * two spaces past the opening line, which changes no value: flow context ignores the
 * spaces, and quoted scalars fold them away. Lines are kept, so line numbers stay right;
 * the lines padded are returned, since their columns no longer match the file.
 */
export function relaxFlowIndentation(content: string): { text: string; padded: Set<number> } | undefined {
  const lines = content.split('\n');
  const padded = new Set<number>();
  let depth = 0;
  let quote: string | undefined;
  let openIndent = 0;
  let blockParent: number | undefined;
  for (let index = 0; index < lines.length; index++) {
    let line = lines[index];
    const indent = /^ */.exec(line)![0].length;
    const blank = line.trim() === '';
    if (blockParent !== undefined) {
      if (blank || indent > blockParent) continue;
      blockParent = undefined;
    }
    if ((depth > 0 || quote) && !blank && indent <= openIndent) {
      line = ' '.repeat(openIndent + 2 - indent) + line;
      lines[index] = line;
      padded.add(index + 1);
    }
    // A flow or quote still open at the end of this line opened on it.
    if (depth === 0 && !quote) openIndent = indent;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (quote === "'") {
        if (ch === "'" && line[i + 1] === "'") i++;
        else if (ch === "'") quote = undefined;
        continue;
      }
      if (quote === '"') {
        if (ch === '\\') i++;
        else if (ch === '"') quote = undefined;
        continue;
      }
      const before = line.slice(0, i).trimEnd();
      const tokenStart = before === '' || /[:\-[{,?]$/.test(before);
      if (ch === '#' && (i === 0 || /\s/.test(line[i - 1]))) break;
      if ((ch === '"' || ch === "'") && tokenStart) quote = ch;
      else if ((ch === '[' || ch === '{') && (depth > 0 || tokenStart)) depth++;
      else if ((ch === ']' || ch === '}') && depth > 0) depth--;
    }
    if (depth === 0 && !quote && /(^|[:-]\s+)[|>][-+0-9]*\s*(#.*)?$/.test(line.trimEnd())) blockParent = indent;
  }
  return padded.size > 0 ? { text: lines.join('\n'), padded } : undefined;
}
