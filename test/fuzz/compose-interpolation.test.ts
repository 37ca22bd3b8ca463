import fc from 'fast-check';
import { parseDotEnv } from '../../src/discovery/dotenv.js';
import { expand } from '../../src/discovery/expand.js';
import { inputsOf, resultOrTyped } from './fuzz.js';

/** expand reports a problem as a result, so nothing it throws is expected. */
class NoError extends Error {}

const COMPOSE = { kind: 'compose' } as const;
const PIECES = ['$', '$$', '${', '}', ':-', '-', ':+', '+', ':?', '?', 'A', 'B', 'UNSET', '_1', 'nginx:', '1.25', ' ', '"', "'", '\\', '{'];
const lookup = (name: string) => ({ A: 'nginx', B: '' })[name];

/** `${A:-${A:-…x…}}`, `depth` substitutions deep, each closed or not. */
const nested = fc
  .tuple(fc.integer({ min: 1, max: 10_000 }), fc.constantFrom(':-', '-', ':+', '+', ':?', '?'), fc.boolean())
  .map(([depth, operator, closed]) => `\${UNSET${operator}`.repeat(depth) + 'x' + (closed ? '}'.repeat(depth) : ''));

describe('compose interpolation on arbitrary input', () => {
  test('gives a value or a problem, never throws', () => {
    fc.assert(
      fc.property(inputsOf(PIECES, nested), (text) => {
        const expansion = resultOrTyped(() => expand(text, lookup, COMPOSE), NoError)!;
        if (expansion.ok && expansion.source?.kind === 'literal') {
          expect(text.slice(expansion.source.start, expansion.source.end)).toBe(expansion.value);
        }
      }),
      { numRuns: 3_000 }
    );
  });

  test('substitutions nested 10,000 deep are a problem, not a stack overflow', () => {
    const text = '${UNSET:-'.repeat(10_000) + 'x' + '}'.repeat(10_000);
    expect(expand(text, lookup, COMPOSE)).toEqual({ ok: false, error: expect.stringContaining('nested more than') });
  });

  test('a default nested a few deep still applies', () => {
    expect(expand('${UNSET:-${UNSET:-${A}}}:1', lookup, COMPOSE)).toEqual({ ok: true, value: 'nginx:1' });
  });
});

const DOTENV_PIECES = [
  'A',
  '_',
  '.',
  '-',
  '=',
  ' ',
  '\t',
  '#',
  '"',
  "'",
  '\\n',
  '\\',
  'export ',
  '\n',
  '\r\n',
  'x',
  '\u2028',
  '$',
  '${',
  '}',
  ':-',
  ':?'
];

describe('.env files on arbitrary input', () => {
  test('give variables, interpolated or as written, never throw, in sane time', () => {
    fc.assert(
      fc.property(inputsOf(DOTENV_PIECES), (text) => {
        const environment = (name: string) => (name === 'A' ? 'from-env' : undefined);
        for (const value of resultOrTyped(() => parseDotEnv(text, environment), NoError)!.values()) expect(typeof value).toBe('string');
      }),
      { numRuns: 3_000 }
    );
  });

  test('a value with 40,000 blanks inside is read in linear time and keeps them', () => {
    const blanks = ' \t'.repeat(20_000);
    const started = performance.now();
    expect(parseDotEnv(`A=x${blanks}y #comment`).get('A')).toBe(`x${blanks}y`);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
