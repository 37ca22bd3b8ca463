import type { ValueSource } from './expand.js';

/**
 * One piece of a word's value: verbatim input, a substitution's result (a variable, or a
 * default written out verbatim), or anything else (escapes, `$$`, `${X:+alt}`).
 */
type Segment =
  | { kind: 'raw'; start: number; end: number }
  | { kind: 'default'; start: number; end: number }
  | { kind: 'variable'; name: string }
  | { kind: 'cooked' };

/** An expanded word with its provenance; errors wait until the word is known to be used. */
export class Word {
  value = '';
  error: string | undefined;
  private readonly segments: Segment[] = [];

  raw(text: string, at: number): void {
    this.value += text;
    const last = this.segments.at(-1);
    // Adjacent verbatim stretches merge; a quote or escape between them keeps them apart.
    if (last?.kind === 'raw' && last.end === at) last.end = at + text.length;
    else this.segments.push({ kind: 'raw', start: at, end: at + text.length });
  }

  /** Even an empty result counts: a word with a substitution in it is not verbatim text. */
  cooked(text: string): void {
    this.value += text;
    this.segments.push({ kind: 'cooked' });
  }

  variable(name: string, value: string | undefined): void {
    if (value === undefined) this.fail(`${name} has no value`);
    this.value += value ?? '';
    this.segments.push({ kind: 'variable', name });
  }

  /** The default of `${X:-default}` taken because X is unset. */
  fallback(alternative: Word): void {
    this.value += alternative.value;
    this.error ??= alternative.error;
    const source = alternative.source();
    this.segments.push(source?.kind === 'literal' ? { ...source, kind: 'default' } : { kind: 'cooked' });
  }

  /** The alternative of `${X:+alt}` taken because X is set. */
  replacement(alternative: Word): void {
    this.cooked(alternative.value);
    this.error ??= alternative.error;
  }

  fail(message: string): void {
    this.error ??= message;
  }

  source(): ValueSource | undefined {
    const only = this.segments.length === 1 ? this.segments[0] : undefined;
    if (only?.kind === 'raw' || only?.kind === 'default') return { kind: 'literal', start: only.start, end: only.end };
    if (only?.kind === 'variable') return only;
    return undefined;
  }
}
