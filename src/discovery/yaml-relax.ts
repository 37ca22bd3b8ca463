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

/** A line that is only a template tag (`{{- if .Values.x }}`, `{% for x in y %}`, `{# note #}`). */
const TAG_LINE = /^\s*\{[{%#].*[}%#]\}\s*$/;
/** A statement tag inside a line (`django:{% if x %} &django{% endif %}`). */
const INLINE_TAG = /\{%.*?%\}/g;
/** An expression in a key (`{{ slug }}_data: {}`), before the key's colon. */
const KEY_EXPRESSION = /^(\s*(?:-\s+)?)((?=[^:#]*\{\{)[^\s#"':][^:#]*?)(:(?:\s|$))/;
/** A plain value that starts a template expression, which YAML would read as a flow mapping. */
const TEMPLATED_VALUE = /^(\s*(?:-\s+)?[^\s#"'{][^#]*?:\s+|\s*-\s+)(\{\{.*)$/;

/**
 * A YAML file that holds template lines (Helm, Jinja, cookiecutter), made to parse so that
 * what it names is read: tag-only lines blanked, statement tags inside a line and
 * expressions in keys overwritten with as many blanks or `x`s (columns kept), and plain
 * values that start with `{{` quoted (their lines returned as padded: columns moved). The
 * templated values are then reported as not resolvable. Line numbers stay.
 */
export function withoutTemplateLines(content: string): { text: string; padded: Set<number>; blanked: number[] } | undefined {
  const lines = content.split('\n');
  const padded = new Set<number>();
  const blanked: number[] = [];
  for (let index = 0; index < lines.length; index++) {
    const cr = lines[index].endsWith('\r') ? '\r' : '';
    let line = cr ? lines[index].slice(0, -1) : lines[index];
    if (TAG_LINE.test(line)) {
      lines[index] = cr;
      blanked.push(index + 1);
      continue;
    }
    const before = line;
    line = line.replace(INLINE_TAG, (tag) => ' '.repeat(tag.length));
    line = line.replace(
      KEY_EXPRESSION,
      (_, indent: string, key: string, colon: string) =>
        `${indent}${key.replace(/\{\{.*?\}\}/g, (expression) => 'x'.repeat(expression.length))}${colon}`
    );
    const value = TEMPLATED_VALUE.exec(line);
    if (value) {
      line = `${value[1]}'${value[2].trimEnd().replace(/'/g, "''")}'`;
      padded.add(index + 1);
    }
    if (line !== before) blanked.push(index + 1);
    lines[index] = line + cr;
  }
  return blanked.length > 0 ? { text: lines.join('\n'), padded, blanked } : undefined;
}
