import { compareVersions, newerTags, parseVersionTag, sameShape } from '../../src/name/version-tag.js';

describe('version-shaped tags', () => {
  test.each([
    ['1.25', { prefix: '', numbers: [1, 25], suffix: '' }],
    ['1.25.3-alpine', { prefix: '', numbers: [1, 25, 3], suffix: '-alpine' }],
    ['v2.1', { prefix: 'v', numbers: [2, 1], suffix: '' }],
    ['20-bookworm-slim', { prefix: '', numbers: [20], suffix: '-bookworm-slim' }],
    ['3.12.1-alpine3.19', { prefix: '', numbers: [3, 12, 1], suffix: '-alpine3.19' }]
  ])('%s is a version', (tag, shape) => {
    expect(parseVersionTag(tag)).toEqual({ tag, ...shape });
  });

  test.each(['latest', 'bookworm', 'stable-slim', 'sha-1a2b3c4', '1.2.3.4.5', 'v', '1.', '.1', '1..2', 'V1.0', '1.0_beta'])(
    '%s is not a version',
    (tag) => {
      expect(parseVersionTag(tag)).toBeUndefined();
    }
  );

  test('the same shape needs the same prefix, count of numbers and suffix', () => {
    const shape = (tag: string) => parseVersionTag(tag)!;
    expect(sameShape(shape('1.25'), shape('1.26'))).toBe(true);
    expect(sameShape(shape('1.25'), shape('1.25.1'))).toBe(false);
    expect(sameShape(shape('1.25'), shape('v1.26'))).toBe(false);
    expect(sameShape(shape('1.25-alpine'), shape('1.26-alpine'))).toBe(true);
    expect(sameShape(shape('1.25-alpine'), shape('1.26-alpine3.19'))).toBe(false);
  });

  test('numbers compare as numbers, not text', () => {
    const compare = (a: string, b: string) => Math.sign(compareVersions(parseVersionTag(a)!, parseVersionTag(b)!));
    expect(compare('1.10', '1.9')).toBe(1);
    expect(compare('1.9', '1.10')).toBe(-1);
    expect(compare('1.02', '1.2')).toBe(0);
    expect(compare('2.0', '10.0')).toBe(-1);
  });

  test('newer tags: same shape and suffix, newer only, oldest first; none for a tag that is no version', () => {
    const tags = ['1.24', '1.25', '1.26', '1.100', '2.0', '1.25.4', '1.26-alpine', 'v1.30', 'latest', '1.25-alpine', '1.026'];
    expect(newerTags('1.25', tags)).toEqual(['1.026', '1.26', '1.100', '2.0']);
    expect(newerTags('1.25-alpine', tags)).toEqual(['1.26-alpine']);
    expect(newerTags('v1.2', tags)).toEqual(['v1.30']);
    expect(newerTags('2.0', tags)).toEqual([]);
    expect(newerTags('latest', tags)).toEqual([]);
  });
});
