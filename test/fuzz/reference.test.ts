import fc from 'fast-check';
import { InputError } from '../../src/errors.js';
import { parseDigest, parseReference } from '../../src/name/reference.js';
import { anyText, charsOf, inputsOf, longText, resultOrTyped } from './fuzz.js';

const HEX = '0123456789abcdef'.repeat(8);
const PIECES = [
  'a',
  'Z',
  '0',
  '.',
  '-',
  '_',
  '__',
  '/',
  ':',
  '@',
  '[',
  ']',
  '::1',
  'sha256:',
  HEX.slice(0, 64),
  'localhost',
  'docker.io',
  'index.docker.io',
  'library/',
  ' ',
  '\u0130'
];

const component = fc.stringMatching(/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/);
const host = fc.oneof(
  fc.stringMatching(/^[a-zA-Z0-9-]{1,12}(?:\.[a-zA-Z0-9-]{1,12}){0,3}(?::[0-9]{1,5})?$/),
  fc.constantFrom('localhost', 'localhost:5000', '[::1]:5000', 'docker.io', 'index.docker.io', '127.0.0.1:5000')
);
const WORD = 'abcxyzABCXYZ0189_';
const tag = charsOf(`${WORD}.-`, 1, 130);
const digest = fc.oneof(
  fc
    .constantFrom('sha256', 'sha384', 'sha512', 'md5', 'SHA256')
    .chain((algorithm) => charsOf('0123456789abcdefA', 30, 130).map((hex) => `${algorithm}:${hex}`)),
  fc.constantFrom(`sha256:${HEX.slice(0, 64)}`, `sha512:${HEX}`)
);

/** Reference-shaped: `[host/]path[:tag][@digest]` from pieces that are each nearly valid. */
const referenceShaped = fc
  .tuple(
    fc.option(host, { nil: undefined }),
    fc.array(component, { minLength: 1, maxLength: 4 }),
    fc.option(tag, { nil: undefined }),
    fc.option(digest, { nil: undefined })
  )
  .map(([registry, path, written, pinned]) =>
    [registry ? `${registry}/` : '', path.join('/'), written ? `:${written}` : '', pinned ? `@${pinned}` : ''].join('')
  );

const anyReferenceText = inputsOf(PIECES, referenceShaped);

describe('parseReference on arbitrary input', () => {
  test('returns a reference or throws InputError', () => {
    fc.assert(
      fc.property(anyReferenceText, (text) => {
        resultOrTyped(() => parseReference(text), InputError);
      }),
      { numRuns: 5_000 }
    );
  });

  test('a parsed reference prints as one that parses to the same reference', () => {
    fc.assert(
      fc.property(anyReferenceText, (text) => {
        const reference = resultOrTyped(() => parseReference(text), InputError);
        if (reference === undefined) return;
        const again = parseReference(reference.toString());
        expect(again).toEqual(parseReference(again.toString()));
        expect(again.toString()).toBe(reference.toString());
        expect(again.name).toBe(reference.name);
        expect(again.digest).toBe(reference.digest);
        expect(again.tag).toBe(reference.tag);
      }),
      { numRuns: 3_000 }
    );
  });

  test('reference-shaped input often parses (so the properties above are not vacuous)', () => {
    const parsed = fc
      .sample(referenceShaped, { numRuns: 500, seed: 11 })
      .filter((text) => resultOrTyped(() => parseReference(text), InputError));
    expect(parsed.length).toBeGreaterThan(50);
  });
});

describe('parseDigest on arbitrary input', () => {
  test('returns the digest or throws InputError', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, digest, longText(['a', '0', ':', 'sha256:', '.', '+'])), (text) => {
        const parsed = resultOrTyped(() => parseDigest(text), InputError);
        if (parsed !== undefined) expect(parsed).toBe(text);
      }),
      { numRuns: 3_000 }
    );
  });
});
