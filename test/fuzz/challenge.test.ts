import fc from 'fast-check';
import { parseChallenges } from '../../src/transport/challenge.js';
import { inputsOf, resultOrTyped } from './fuzz.js';

/** parseChallenges gives up on what it cannot read, so nothing it throws is expected. */
class NoError extends Error {}

const PIECES = [
  'Bearer',
  'Basic',
  ' ',
  ',',
  '=',
  '"',
  '\\',
  '\\"',
  'realm',
  'service',
  'scope',
  '"https://a/t"',
  'x',
  '\t',
  ':',
  '/',
  '__proto__'
];

const param = fc
  .tuple(
    fc.constantFrom('realm', 'service', 'scope', 'error', 'Realm', '__proto__', 'constructor'),
    fc.constantFrom('=', ' = ', '='),
    fc.oneof(
      fc.string().map((value) => `"${value.replace(/["\\]/g, '\\$&')}"`),
      fc.string().map((value) => `"${value}"`),
      fc.string({ unit: fc.constantFrom('a', ':', '/', '.', '"', '\\') })
    )
  )
  .map((parts) => parts.join(''));

/** Challenge-shaped: schemes, each with params, separated by commas and blanks in any amount. */
const challengeShaped = fc
  .array(
    fc.tuple(
      fc.constantFrom('Bearer', 'Basic', 'bearer', 'Negotiate', 'x'),
      fc.array(param, { maxLength: 4 }),
      fc.constantFrom(',', ', ', ' , ', ''),
      fc.constantFrom(' ', '')
    ),
    { minLength: 1, maxLength: 3 }
  )
  .map((challenges) => challenges.map(([scheme, params, separator, blank]) => `${scheme} ${params.join(separator)}${blank}`).join(', '));

describe('WWW-Authenticate on arbitrary input', () => {
  test('gives challenges with string params, never throws', () => {
    fc.assert(
      fc.property(inputsOf(PIECES, challengeShaped), (header) => {
        for (const challenge of resultOrTyped(() => parseChallenges(header), NoError)!) {
          expect(challenge.scheme).toBe(challenge.scheme.toLowerCase());
          for (const value of Object.values(challenge.params)) expect(typeof value).toBe('string');
        }
      }),
      { numRuns: 5_000 }
    );
  });

  test('a quoted value with escapes reads back as written', () => {
    fc.assert(
      fc.property(fc.string(), (realm) => {
        const [challenge] = parseChallenges(`Bearer realm="${realm.replace(/["\\]/g, '\\$&')}",service="s"`);
        expect(challenge.params).toEqual({ realm, service: 's' });
      }),
      { numRuns: 2_000 }
    );
  });
});
