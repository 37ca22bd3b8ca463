import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, Scalar, type Document } from 'yaml';
import type { TextSpan } from './types.js';
import { LineIndex } from './line-index.js';
import { relaxFlowIndentation, withoutTemplateLines } from './yaml-relax.js';

/**
 * YAML files read for their structure and for where each value is written. Values are
 * reached through aliases and `<<` merge keys, as compose files often use them, and a
 * string value knows its verbatim position when its source text is exactly its value
 * (plain or quoted without escapes, on one line), which is what makes it safe to rewrite.
 */
export class YamlSource {
  readonly documents: Document.Parsed[] = [];
  readonly problems: { line: number; message: string }[] = [];
  /** Lines and columns of `content`: the parser's own line counter can miss a newline the lexer folded into a token (`!!str ---`). */
  private readonly lines: LineIndex;

  /** The text parsed: the file's, or with continuation lines re-indented (see `relaxFlowIndentation`). */
  readonly content: string;
  /** Lines re-indented to parse: their columns are not the file's, so nothing on them is rewritable. */
  private readonly padded: ReadonlySet<number>;

  constructor(content: string) {
    const parse = (text: string) => parseAllDocuments(text, { lineCounter: new LineCounter(), uniqueKeys: false });
    let documents = parse(content);
    let text = content;
    let padded = new Set<number>();
    let blanked: number[] = [];
    // Text a strict parser refuses but the tools around it read: each rewrite kept only if fewer documents fail.
    if (errorCount(documents) > 0) {
      const relaxed = relaxFlowIndentation(text);
      const retried = relaxed && parse(relaxed.text);
      if (relaxed && retried && errorCount(retried) < errorCount(documents))
        [documents, text, padded] = [retried, relaxed.text, relaxed.padded];
    }
    if (errorCount(documents) > 0) {
      const untemplated = withoutTemplateLines(text);
      const retried = untemplated && parse(untemplated.text);
      if (untemplated && retried && errorCount(retried) < errorCount(documents)) {
        [documents, text, blanked] = [retried, untemplated.text, untemplated.blanked];
        padded = new Set([...padded, ...untemplated.padded]);
      }
    }
    this.content = text;
    this.padded = padded;
    if (blanked.length > 0) {
      const count = `${blanked.length} line${blanked.length === 1 ? '' : 's'}`;
      this.problems.push({ line: blanked[0], message: `template syntax ({{ }}, {% %}) on ${count} left out; the rest is read` });
    }
    this.lines = new LineIndex(this.content);
    for (const document of documents) {
      const [error] = document.errors;
      // A document the parser had to guess about is skipped rather than half read.
      if (error) {
        // The problem carries the line; the parser's message repeats it with a code frame.
        const message = `invalid YAML: ${error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`;
        this.problems.push({ line: error.linePos?.[0].line ?? 1, message });
      } else {
        this.documents.push(document);
      }
    }
  }

  /** The entries of a mapping, merged ones included (own keys win, then earlier merges). */
  entries(document: Document, node: unknown, seen = new Set<unknown>()): [string, unknown][] {
    const map = resolve(document, node);
    if (!isMap(map) || seen.has(map)) return [];
    seen.add(map);
    const own: [string, unknown][] = [];
    const merged: unknown[] = [];
    for (const pair of map.items) {
      if (!isScalar(pair.key)) continue;
      if (pair.key.type === Scalar.PLAIN && pair.key.source === '<<') {
        const value = resolve(document, pair.value);
        merged.push(...(isSeq(value) ? value.items : [value]));
      } else {
        own.push([String(pair.key.value), pair.value]);
      }
    }
    const result = new Map(own);
    for (const source of merged) {
      for (const [key, value] of this.entries(document, source, seen)) if (!result.has(key)) result.set(key, value);
    }
    return [...result];
  }

  /** The value at `path` of mappings, or undefined. */
  get(document: Document, node: unknown, ...path: string[]): unknown {
    let current = node;
    for (const key of path) {
      current = this.entries(document, current).find(([name]) => name === key)?.[1];
      if (current === undefined) return undefined;
    }
    return resolve(document, current);
  }

  items(document: Document, node: unknown): unknown[] {
    const seq = resolve(document, node);
    return isSeq(seq) ? seq.items.map((item) => resolve(document, item)) : [];
  }

  /**
   * A string scalar: its value, its line, and where it is written verbatim if it is. A value
   * reached through an alias is where its anchor is, since that is the text to change.
   */
  string(document: Document, node: unknown): YamlString | undefined {
    const scalar = resolve(document, node);
    if (!isScalar(scalar) || typeof scalar.value !== 'string' || !scalar.range) return undefined;
    const [start, end] = scalar.range;
    const line = this.lines.position(start).line;
    const quoted = scalar.type === Scalar.QUOTE_DOUBLE || scalar.type === Scalar.QUOTE_SINGLE;
    const verbatimStart = quoted ? start + 1 : start;
    const source = this.content.slice(verbatimStart, quoted ? end - 1 : end);
    const verbatim = (quoted || scalar.type === Scalar.PLAIN) && source === scalar.value && !source.includes('\n');
    return { value: scalar.value, line, verbatimStart: verbatim ? verbatimStart : undefined };
  }

  /** Calls `visit` with every key and value of the mappings under `node`, through sequences, each node once. */
  walk(document: Document, node: unknown, visit: (key: string, value: unknown) => void, seen = new Set<unknown>()): void {
    const current = resolve(document, node);
    if (seen.has(current)) return;
    seen.add(current);
    if (isSeq(current)) for (const item of current.items) this.walk(document, item, visit, seen);
    if (!isMap(current)) return;
    for (const [key, value] of this.entries(document, current)) {
      visit(key, resolve(document, value));
      this.walk(document, value, visit, seen);
    }
  }

  /**
   * A scalar's text as written when it is a plain number or string (`tag: 1.20` is the
   * tag `1.20`, not the number 1.2); undefined otherwise.
   */
  scalarText(document: Document, node: unknown): YamlString | undefined {
    const text = this.string(document, node);
    if (text) return text;
    const scalar = resolve(document, node);
    if (!isScalar(scalar) || typeof scalar.value !== 'number' || scalar.type !== Scalar.PLAIN || !scalar.range) return undefined;
    const [start, end] = scalar.range;
    const value = this.content.slice(start, end);
    return { value, line: this.lines.position(start).line, verbatimStart: start };
  }

  /** The span of `length` characters at offset `offset` (on one line), unless its line was re-indented. */
  spanAt(offset: number, length: number): TextSpan | undefined {
    const { line, column: col } = this.lines.position(offset);
    return this.padded.has(line) ? undefined : { line, column: col, length };
  }

  /** The span of `length` characters at `offset` in a verbatim string's value. */
  span(text: YamlString, offset: number, length: number): TextSpan | undefined {
    if (text.verbatimStart === undefined || length === 0) return undefined;
    return this.spanAt(text.verbatimStart + offset, length);
  }
}

export interface YamlString {
  value: string;
  line: number;
  /** The file offset where the value is written out verbatim; undefined otherwise. */
  verbatimStart: number | undefined;
}

/** A YAML string without its first `count` characters (a `docker://` or `name=` prefix). */
export function shifted(text: YamlString, count: number): YamlString {
  return {
    ...text,
    value: text.value.slice(count),
    verbatimStart: text.verbatimStart === undefined ? undefined : text.verbatimStart + count
  };
}

function errorCount(documents: Document.Parsed[]): number {
  return documents.reduce((count, document) => count + document.errors.length, 0);
}

function resolve(document: Document, node: unknown): unknown {
  return isAlias(node) ? node.resolve(document) : node;
}
