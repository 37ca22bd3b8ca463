import type { Instruction, ShellWord } from './dockerfile-syntax.js';
import { expand, type Dialect } from './expand.js';
import type { TextSpan } from './types.js';

/** What a variable holds, and where its value is written when that is a literal ARG default. */
interface Value {
  value: string;
  origin?: TextSpan;
}

/**
 * The variables visible at one point of a Dockerfile: the global ARGs (before the first
 * FROM, and what FROM lines see), or one stage's ARGs and ENVs.
 */
export class Scope {
  private readonly values = new Map<string, Value | undefined>();
  readonly lookup = (name: string): string | undefined => this.values.get(name)?.value;

  originOf(name: string): TextSpan | undefined {
    return this.values.get(name)?.origin;
  }

  /** `ARG NAME[=default]`; a stage's bare `ARG NAME` brings the global ARG's default into the stage. */
  declareArg(word: ShellWord, instruction: Instruction, dialect: Dialect, globals: Scope | undefined): void {
    const equals = word.text.indexOf('=');
    if (equals === -1) {
      this.values.set(word.text, globals?.values.get(word.text));
      return;
    }
    const valueStart = word.start + equals + 1;
    const expansion = expand(word.text.slice(equals + 1), this.lookup, dialect);
    const name = word.text.slice(0, equals);
    if (!expansion.ok) this.values.set(name, undefined);
    else if (expansion.source?.kind !== 'literal') this.values.set(name, { value: expansion.value });
    else {
      const { start, end } = expansion.source;
      this.values.set(name, { value: expansion.value, origin: instruction.span(valueStart + start, end - start) });
    }
  }

  /** `ENV K=V ...` or the legacy `ENV K V`; an ENV value is never rewritten, so it has no origin. */
  declareEnv(words: ShellWord[], instruction: Instruction, dialect: Dialect): void {
    const [first, second] = words;
    if (first && second && !first.text.includes('=')) {
      const value = expand(instruction.args.slice(second.start), this.lookup, dialect);
      this.values.set(first.text, value.ok ? { value: value.value } : undefined);
      return;
    }
    for (const word of words) {
      const equals = word.text.indexOf('=');
      if (equals === -1) continue;
      const value = expand(word.text.slice(equals + 1), this.lookup, dialect);
      this.values.set(word.text.slice(0, equals), value.ok ? { value: value.value } : undefined);
    }
  }
}
