import fc from 'fast-check';
import { RegistryError } from '../../src/errors.js';
import { nextPageQuery } from '../../src/remote/link-header.js';
import { inputsOf, resultOrTyped } from './fuzz.js';

const WHAT = 'tag list of localhost:5000/r';
const PIECES = [
  '<',
  '>',
  ';',
  ',',
  ' ',
  'rel=',
  'rel="next"',
  'rel=next',
  '"',
  '/v2/r/tags/list',
  '?',
  'last=',
  '&',
  'n=100',
  'http://',
  '[',
  '%',
  '#'
];

/** Link-shaped: `<target>; params` links, comma-separated, with targets of any text. */
const linkShaped = fc
  .array(
    fc.tuple(
      fc.oneof(
        fc.webUrl({ withQueryParameters: true }),
        fc.constantFrom('/v2/r/tags/list?last=a&n=2', 'http://[::1', 'http://a b/?x', '?n=1'),
        fc.string()
      ),
      fc.constantFrom('; rel="next"', ';rel=next', ' ; rel="prev"', '; title="x"; rel="next"', '', ';')
    ),
    { minLength: 1, maxLength: 3 }
  )
  .map((links) => links.map(([target, params]) => `<${target}>${params}`).join(', '));

describe('Link pagination on arbitrary input', () => {
  test('gives the next query or none, or throws RegistryError', () => {
    fc.assert(
      fc.property(inputsOf(PIECES, linkShaped), (link) => {
        const query = resultOrTyped(() => nextPageQuery(link, WHAT), RegistryError);
        if (query !== undefined) expect(query.startsWith('?')).toBe(true);
      }),
      { numRuns: 5_000 }
    );
  });

  test('a next page that is not a URL is a registry error naming the list', () => {
    expect(() => nextPageQuery('<http://a b/?last=x>; rel="next"', WHAT)).toThrow(
      new RegistryError(`${WHAT}: the Link header's next page "http://a b/?last=x" is not a URL`)
    );
  });

  test('20,000 "<" without a ">" are read in linear time', () => {
    const started = performance.now();
    expect(nextPageQuery('<'.repeat(20_000), WHAT)).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(100);
  });

  test('reads the next page of a registry', () => {
    expect(nextPageQuery('</v2/r/tags/list?last=b&n=2>; rel="next"', WHAT)).toBe('?last=b&n=2');
  });
});
