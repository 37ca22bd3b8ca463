/**
 * The variables of a `.env` file as Compose reads it: `NAME=value` lines, an optional
 * `export ` before the name, `#` comments, values in single quotes (verbatim) or double
 * quotes (with `\n`-style escapes), and unquoted values ending at ` #`.
 */
export function parseDotEnv(text: string): Map<string, string> {
  const variables = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim().replace(/^export\s+/, '');
    const match = /^([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (match) variables.set(match[1], valueOf(match[2]));
  }
  return variables;
}

function valueOf(written: string): string {
  const quote = written[0];
  if ((quote === '"' || quote === "'") && written.indexOf(quote, 1) > 0) {
    const inner = written.slice(1, written.indexOf(quote, 1));
    return quote === "'" ? inner : inner.replace(/\\([nrt"\\])/g, (_, ch: string) => ({ n: '\n', r: '\r', t: '\t' })[ch] ?? ch);
  }
  // Found by search, not a regex over the rest: `\s+#.*$` backtracks quadratically over long blanks.
  const comment = written.search(/\s#/);
  return (comment === -1 ? written : written.slice(0, comment)).trim();
}
