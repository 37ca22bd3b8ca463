import fc from 'fast-check';
import { InputError } from '../../src/errors.js';
import { parseLockfile, serializeLockfile } from '../../src/lockfile/lockfile.js';
import { inputsOf, JSON_PIECES, jsonTexts, resultOrTyped } from './fuzz.js';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
const PIECES = [...JSON_PIECES, '1', '"lockfileVersion"', '"images"', '"digest"', `"${DIGEST}"`, '"nginx"', ' ', '\\u0000'];

/** Now a valid field, now any JSON value in its place. */
const either = <T>(valid: fc.Arbitrary<T>) => fc.oneof(valid, fc.jsonValue({ maxDepth: 3 }));

const entry = fc.record(
  {
    digest: either(fc.constantFrom(DIGEST, 'sha256:1', `sha512:${DIGEST}`)),
    mediaType: either(fc.constant('application/vnd.oci.image.index.v1+json')),
    platforms: either(fc.dictionary(fc.constantFrom('linux/amd64', 'linux/arm/v7', 'windows/amd64:10.0'), fc.constant(DIGEST))),
    sources: either(fc.array(fc.string(), { maxLength: 3 })),
    extra: fc.jsonValue({ maxDepth: 2 })
  },
  { requiredKeys: [] }
);

const nearValid = fc.record(
  {
    lockfileVersion: either(fc.constant(1)),
    images: either(
      fc.dictionary(fc.constantFrom('nginx', 'docker.io/library/nginx:1.25', 'ghcr.io/o/r:1@' + DIGEST, 'NOT A REF', '__proto__'), entry)
    )
  },
  { requiredKeys: [] }
);

/** `[[[…]]]`, `depth` arrays deep. */
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/** A valid lockfile with an unknown field `depth` arrays deep. */
function withDeepField(depth: number): string {
  const image = { digest: DIGEST, mediaType: 'm', platforms: {}, sources: [] };
  return JSON.stringify({ lockfileVersion: 1, images: { 'nginx:1': { ...image, extra: 0 } } }).replace('0}', `${nested(depth)}}`);
}

const lockfileText = inputsOf(
  PIECES,
  ...jsonTexts(nearValid),
  fc.integer({ min: 1, max: 20_000 }).map(withDeepField),
  fc.integer({ min: 1, max: 20_000 }).map((depth) => `{"lockfileVersion": ${nested(depth)}}`)
);

describe('parseLockfile on arbitrary input', () => {
  test('returns a lockfile that serialises stably, or throws InputError', () => {
    fc.assert(
      fc.property(lockfileText, (text) => {
        const lockfile = resultOrTyped(() => parseLockfile(text, 'image-lock.json'), InputError);
        if (lockfile === undefined) return;
        const serialized = serializeLockfile(lockfile);
        expect(serializeLockfile(parseLockfile(serialized, 'image-lock.json'))).toBe(serialized);
      }),
      { numRuns: 5_000 }
    );
  });

  test('an unknown field nested 10,000 arrays deep is left out, not a stack overflow when written', () => {
    const lockfile = parseLockfile(withDeepField(10_000), 'image-lock.json');
    expect(lockfile).toEqual({ lockfileVersion: 1, images: { 'nginx:1': { digest: DIGEST, mediaType: 'm', platforms: {}, sources: [] } } });
    expect(() => serializeLockfile(lockfile)).not.toThrow();
  });

  test('a lockfileVersion 10,000 arrays deep is bad input, not a stack overflow in the message', () => {
    expect(() => parseLockfile(`{"lockfileVersion": ${nested(10_000)}}`, 'image-lock.json')).toThrow(
      new InputError('invalid lockfile image-lock.json: unsupported lockfileVersion [...]')
    );
  });

  test('near-valid input often parses (so the property above is not vacuous)', () => {
    const texts = fc.sample(nearValid, { numRuns: 1_000, seed: 7 }).map((value) => JSON.stringify(value));
    const parsed = texts.filter((text) => resultOrTyped(() => parseLockfile(text, 'image-lock.json'), InputError));
    expect(parsed.length).toBeGreaterThan(20);
  });
});
