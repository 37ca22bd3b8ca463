/**
 * The part of HCL that Docker Bake files use, read without evaluating: blocks with labels,
 * attributes whose values are strings (with their place in the text, for rewriting), lists
 * and objects; any other expression (numbers, references, function calls, conditionals,
 * heredocs) is kept as `other`. Comments `#`, `//` and `/* *\/`. It never throws: text it
 * cannot read ends the body there, with a problem naming the line.
 */
export type HclValue =
  | {
      type: 'string';
      /** The text between the quotes with its backslash escapes undone; `${...}` and `$${` left as written. */
      value: string;
      /** Offset of the text after the opening quote. */
      start: number;
      /** Whether `value` is the text exactly as written (no escape, no interpolation): then it can be rewritten in place. */
      verbatim: boolean;
    }
  | { type: 'list'; items: HclValue[] }
  | { type: 'object'; entries: [string, HclValue][] }
  | { type: 'other' };

export interface HclBlock {
  type: string;
  labels: string[];
  start: number;
  body: HclBody;
}

export interface HclBody {
  attributes: Map<string, HclValue>;
  blocks: HclBlock[];
}

/** Far deeper than a Bake file nests; keeps a hostile input off the stack's limit. */
const MAX_DEPTH = 64;

class Unreadable extends Error {
  constructor(readonly offset: number) {
    super('unreadable');
  }
}

export function parseHcl(text: string): { body: HclBody; problem?: { offset: number; message: string } } {
  const reader = new HclReader(text);
  const body: HclBody = { attributes: new Map(), blocks: [] };
  try {
    reader.body(body, 0);
    return { body };
  } catch (error) {
    if (!(error instanceof Unreadable)) throw error;
    return { body, problem: { offset: error.offset, message: 'cannot read the HCL from here on; what came before is read' } };
  }
}

const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_-]*/y;

class HclReader {
  private at = 0;

  constructor(private readonly text: string) {}

  body(body: HclBody, depth: number, closing?: string): void {
    if (depth > MAX_DEPTH) throw new Unreadable(this.at);
    for (;;) {
      this.skip(true);
      if (this.at >= this.text.length) {
        if (closing) throw new Unreadable(this.at);
        return;
      }
      if (closing && this.text[this.at] === closing) return void this.at++;
      const start = this.at;
      const name = this.identifier();
      this.skip(false);
      if (this.text[this.at] === '=' && this.text[this.at + 1] !== '=') {
        this.at++;
        body.attributes.set(name, this.value(depth + 1));
        continue;
      }
      const labels: string[] = [];
      while (this.text[this.at] !== '{') {
        if (this.text[this.at] === '"') labels.push(this.string().value);
        else labels.push(this.identifier());
        this.skip(false);
      }
      this.at++;
      const block: HclBlock = { type: name, labels, start, body: { attributes: new Map(), blocks: [] } };
      body.blocks.push(block);
      this.body(block.body, depth + 1, '}');
    }
  }

  private value(depth: number): HclValue {
    if (depth > MAX_DEPTH) throw new Unreadable(this.at);
    this.skip(false);
    const next = this.text[this.at];
    if (next === '"') return this.string();
    if (next === '[') {
      this.at++;
      const items: HclValue[] = [];
      while (!this.closes(']')) items.push(this.value(depth + 1));
      return { type: 'list', items };
    }
    if (next === '{') {
      this.at++;
      const entries: [string, HclValue][] = [];
      while (!this.closes('}')) {
        const key = this.text[this.at] === '"' ? this.string().value : this.identifier();
        this.skip(false);
        if (this.text[this.at] !== '=' && this.text[this.at] !== ':') throw new Unreadable(this.at);
        this.at++;
        entries.push([key, this.value(depth + 1)]);
      }
      return { type: 'object', entries };
    }
    this.otherExpression();
    return { type: 'other' };
  }

  /** After a list item or object entry: skips a separator, and consumes `close` when it comes. */
  private closes(close: string): boolean {
    this.skip(true);
    if (this.text[this.at] === ',') {
      this.at++;
      this.skip(true);
    }
    if (this.at >= this.text.length) throw new Unreadable(this.at);
    if (this.text[this.at] !== close) return false;
    this.at++;
    return true;
  }

  private string(): Extract<HclValue, { type: 'string' }> {
    const start = ++this.at;
    let depth = 0;
    while (this.at < this.text.length) {
      const char = this.text[this.at];
      if (char === '\\') this.at += 2;
      else if (char === '\n' && depth === 0) break;
      else if ((char === '$' || char === '%') && this.text[this.at + 1] === '{') {
        depth++;
        this.at += 2;
      } else if (char === '}' && depth > 0) {
        depth--;
        this.at++;
      } else if (char === '"' && depth === 0) {
        const raw = this.text.slice(start, this.at++);
        const value = raw.replace(/\\(["\\nrt])/g, (_, escaped: string) => ({ n: '\n', r: '\r', t: '\t' })[escaped] ?? escaped);
        return { type: 'string', value, start, verbatim: value === raw && !/[$%]\{/.test(raw) };
      } else this.at++;
    }
    throw new Unreadable(start);
  }

  /** An expression of no interest (a number, `var.x`, `f(a, b)`, `a ? b : c`, a heredoc), to its end. */
  private otherExpression(): void {
    const heredoc = /<<-?([A-Za-z_][A-Za-z0-9_]*)\r?\n/y;
    heredoc.lastIndex = this.at;
    const opening = heredoc.exec(this.text);
    if (opening) {
      const end = new RegExp(`^[ \\t]*${opening[1]}[ \\t]*$`, 'm');
      const match = end.exec(this.text.slice(heredoc.lastIndex));
      if (!match) throw new Unreadable(this.at);
      this.at = heredoc.lastIndex + match.index + match[0].length;
      return;
    }
    const start = this.at;
    let depth = 0;
    while (this.at < this.text.length) {
      const char = this.text[this.at];
      if (char === '"') {
        this.string();
        continue;
      }
      if ('([{'.includes(char)) depth++;
      else if (')]}'.includes(char)) {
        if (depth === 0) break;
        depth--;
      } else if ((char === '\n' || char === ',') && depth === 0) break;
      else if (char === '#' || (char === '/' && this.text[this.at + 1] === '/')) break;
      this.at++;
    }
    if (this.at === start) throw new Unreadable(start);
  }

  private identifier(): string {
    IDENTIFIER.lastIndex = this.at;
    const match = IDENTIFIER.exec(this.text);
    if (!match) throw new Unreadable(this.at);
    this.at = IDENTIFIER.lastIndex;
    return match[0];
  }

  /** Blanks and comments; newlines too when `newlines`. */
  private skip(newlines: boolean): void {
    for (;;) {
      const char = this.text[this.at];
      if (char === ' ' || char === '\t' || char === '\r' || (newlines && char === '\n')) this.at++;
      else if (char === '#' || (char === '/' && this.text[this.at + 1] === '/')) {
        const end = this.text.indexOf('\n', this.at);
        this.at = end === -1 ? this.text.length : end;
      } else if (char === '/' && this.text[this.at + 1] === '*') {
        const end = this.text.indexOf('*/', this.at + 2);
        this.at = end === -1 ? this.text.length : end + 2;
      } else return;
    }
  }
}
