import { Word } from './expanded-word.js';

/**
 * Variable expansion as Dockerfiles (BuildKit's shell lexer) and compose files do it:
 * `$NAME`, `${NAME}`, `${NAME:-default}`, `${NAME-default}`, `${NAME:+alt}`,
 * `${NAME+alt}`, `${NAME:?message}`, `${NAME?message}`, nested in the words after the
 * operator. Dockerfiles also remove quotes and honour their escape character; compose
 * writes a literal `$` as `$$`.
 *
 * Besides the value, it tells where the value came from when it is one stretch of the
 * input written out verbatim (so it can be rewritten in place) or exactly one variable's
 * value (so the variable's definition can be).
 */
export type Dialect = { kind: 'dockerfile'; escape: string } | { kind: 'compose' };

export type ValueSource = { kind: 'literal'; start: number; end: number } | { kind: 'variable'; name: string };

export type Expansion = { ok: true; value: string; source?: ValueSource } | { ok: false; error: string };

/** The value of a variable, or undefined when it is not set. */
export type Lookup = (name: string) => string | undefined;

export function expand(text: string, lookup: Lookup, dialect: Dialect): Expansion {
  try {
    const word = new WordParser(text, lookup, dialect).parseAll();
    if (word.error !== undefined) return { ok: false, error: word.error };
    const source = word.source();
    return source ? { ok: true, value: word.value, source } : { ok: true, value: word.value };
  } catch (error) {
    if (error instanceof SyntaxProblem) return { ok: false, error: error.message };
    throw error;
  }
}

class SyntaxProblem extends Error {}

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
/** Far deeper than anyone writes; a few thousand levels would overflow the parser's stack. */
const MAX_NESTING = 100;

class WordParser {
  private position = 0;
  private nesting = 0;

  constructor(
    private readonly text: string,
    private readonly lookup: Lookup,
    private readonly dialect: Dialect
  ) {}

  parseAll(): Word {
    return this.parseUntil(undefined);
  }

  /** Reads up to `stop` (left unconsumed) or to the end of the text. */
  private parseUntil(stop: '}' | undefined): Word {
    const word = new Word();
    const { text } = this;
    while (this.position < text.length) {
      const ch = text[this.position];
      if (ch === stop) return word;
      if (ch === '$') this.dollar(word);
      else if (this.dialect.kind === 'dockerfile' && ch === this.dialect.escape) this.escaped(word);
      else if (this.dialect.kind === 'dockerfile' && ch === "'") this.singleQuoted(word);
      else if (this.dialect.kind === 'dockerfile' && ch === '"') this.doubleQuoted(word);
      else {
        word.raw(ch, this.position);
        this.position++;
      }
    }
    if (stop) throw new SyntaxProblem(`missing "${stop}" in "${text}"`);
    return word;
  }

  private escaped(word: Word): void {
    // BuildKit drops an escape character at the end of a word.
    word.cooked(this.text[this.position + 1] ?? '');
    this.position += 2;
  }

  private singleQuoted(word: Word): void {
    const close = this.text.indexOf("'", this.position + 1);
    if (close === -1) throw new SyntaxProblem(`unterminated quote in "${this.text}"`);
    if (close > this.position + 1) word.raw(this.text.slice(this.position + 1, close), this.position + 1);
    this.position = close + 1;
  }

  private doubleQuoted(word: Word): void {
    const escape = this.dialect.kind === 'dockerfile' ? this.dialect.escape : undefined;
    const { text } = this;
    this.position++;
    while (this.position < text.length && text[this.position] !== '"') {
      const ch = text[this.position];
      const next = text[this.position + 1];
      if (ch === '$') this.dollar(word);
      else if (ch === escape && (next === '"' || next === '$' || next === escape)) {
        word.cooked(next);
        this.position += 2;
      } else {
        word.raw(ch, this.position);
        this.position++;
      }
    }
    if (this.position >= text.length) throw new SyntaxProblem(`unterminated quote in "${text}"`);
    this.position++;
  }

  private dollar(word: Word): void {
    const next = this.text[this.position + 1];
    if (next === '{') return this.braced(word);
    if (next === '$' && this.dialect.kind === 'compose') {
      word.cooked('$');
      this.position += 2;
      return;
    }
    const name = this.nameAt(this.position + 1);
    if (name === undefined) {
      // A `$` not followed by a name stays as it is, in both dialects.
      word.raw('$', this.position);
      this.position++;
      return;
    }
    this.position += 1 + name.length;
    word.variable(name, this.lookup(name));
  }

  private braced(word: Word): void {
    const start = this.position;
    this.position += 2;
    const name = this.nameAt(this.position);
    if (name === undefined) throw new SyntaxProblem(`invalid substitution at "${this.text.slice(start)}"`);
    this.position += name.length;
    const value = this.lookup(name);
    if (this.text[this.position] === '}') {
      this.position++;
      word.variable(name, value);
      return;
    }
    if (this.position >= this.text.length) throw new SyntaxProblem(`missing "}" in "${this.text}"`);
    const colon = this.text[this.position] === ':';
    if (colon) this.position++;
    const operator = this.text[this.position];
    if (operator !== '-' && operator !== '+' && operator !== '?') {
      throw new SyntaxProblem(`unsupported substitution "${this.text.slice(start, this.position + 1)}"`);
    }
    this.position++;
    if (++this.nesting > MAX_NESTING) throw new SyntaxProblem(`substitutions nested more than ${MAX_NESTING} deep in "${this.text}"`);
    const alternative = this.parseUntil('}');
    this.nesting--;
    this.position++;
    // With a colon an empty value counts as unset, as in the shell.
    const isSet = value !== undefined && !(colon && value === '');
    if (operator === '-') {
      if (isSet) word.variable(name, value);
      else word.fallback(alternative);
    } else if (operator === '+') {
      if (isSet) word.replacement(alternative);
      else word.cooked('');
    } else if (isSet) {
      word.variable(name, value);
    } else {
      word.fail(`${name} is required${alternative.value ? `: ${alternative.value}` : ''}`);
    }
  }

  private nameAt(index: number): string | undefined {
    NAME.lastIndex = index;
    return NAME.exec(this.text)?.[0];
  }
}
