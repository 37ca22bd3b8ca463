import fc from 'fast-check';

/** Generous: a parser taking this long on one input has gone quadratic or worse. */
const TIME_PER_INPUT_MS = 1000;

type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * Runs `parse` on one input: it must return, or throw one of the project's typed errors,
 * and do so in sane time; a TypeError, RangeError or anything else fails the property.
 */
export function resultOrTyped<T>(parse: () => T, typed: ErrorClass): T | undefined {
  const started = performance.now();
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof typed)) throw error;
    return undefined;
  } finally {
    expect(performance.now() - started).toBeLessThan(TIME_PER_INPUT_MS);
  }
}

/** Any text, including lone surrogates and control characters. */
export const anyText = fc.string({ unit: 'binary', maxLength: 200 });

/** Text made of `pieces`, so the parser's own punctuation meets itself in every order. */
export function textOf(pieces: string[], maxLength = 40): fc.Arbitrary<string> {
  return fc.array(fc.constantFrom(...pieces), { maxLength }).map((parts) => parts.join(''));
}

/** Up to 10,000 characters of one piece repeated between two others: where backtracking shows. */
export function longText(pieces: string[]): fc.Arbitrary<string> {
  const piece = fc.constantFrom(...pieces);
  return fc
    .tuple(piece, piece, fc.integer({ min: 1, max: 10_000 }), piece)
    .map(([before, repeated, count, after]) => before + repeated.repeat(Math.ceil(count / repeated.length)) + after);
}

/** The inputs every parser's property draws from: any text, text of its own `pieces` (short and very long), and its own `shaped` ones. */
export function inputsOf(pieces: string[], ...shaped: fc.Arbitrary<string>[]): fc.Arbitrary<string> {
  return fc.oneof(anyText, textOf(pieces), longText(pieces), ...shaped);
}

/** The punctuation of JSON, for the parsers of JSON files to add their own keys to. */
export const JSON_PIECES = ['{', '}', '[', ']', '"', ':', ',', 'null'];

/** JSON text: of any JSON value, and of each of `documents`. */
export function jsonTexts(...documents: fc.Arbitrary<unknown>[]): fc.Arbitrary<string>[] {
  return [fc.jsonValue(), ...documents].map((document) => document.map((value) => JSON.stringify(value)));
}

/** A string over `alphabet`; far faster to generate than fc.stringMatching of a character class. */
export function charsOf(alphabet: string, minLength: number, maxLength: number): fc.Arbitrary<string> {
  return fc.string({ unit: fc.constantFrom(...alphabet), minLength, maxLength });
}
