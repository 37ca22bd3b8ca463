import { expand, type Lookup } from './expand.js';

/**
 * The variables of a `.env` file as Compose reads it: `NAME=value` lines, an optional
 * `export ` before the name, `#` comments, values in single quotes (verbatim) or double
 * quotes (with `\n`-style escapes), and unquoted values ending at ` #`. Double-quoted and
 * unquoted values are interpolated (`${NAME:-default}`, `$NAME`): the process environment
 * first, then the keys above them in the file, as Compose's own parser looks them up.
 */
export function parseDotEnv(text: string, environment: Lookup = () => undefined): Map<string, string> {
  const variables = new Map<string, string>();
  const lookup: Lookup = (name) => environment(name) ?? variables.get(name);
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim().replace(/^export\s+/, '');
    const match = /^([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    const { value, verbatim } = valueOf(match[2]);
    const expansion = verbatim ? undefined : expand(value, lookup, { kind: 'compose' });
    // A value Compose would refuse (`${X:?unset}`) stays as written: the reference using it is reported.
    variables.set(match[1], expansion?.ok ? expansion.value : value);
  }
  return variables;
}

function valueOf(written: string): { value: string; verbatim: boolean } {
  const quote = written[0];
  if ((quote === '"' || quote === "'") && written.indexOf(quote, 1) > 0) {
    const inner = written.slice(1, written.indexOf(quote, 1));
    if (quote === "'") return { value: inner, verbatim: true };
    return { value: inner.replace(/\\([nrt"\\])/g, (_, ch: string) => ({ n: '\n', r: '\r', t: '\t' })[ch] ?? ch), verbatim: false };
  }
  // Found by search, not a regex over the rest: `\s+#.*$` backtracks quadratically over long blanks.
  const comment = written.search(/\s#/);
  return { value: (comment === -1 ? written : written.slice(0, comment)).trim(), verbatim: false };
}
