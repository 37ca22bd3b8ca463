import { sourceUrl } from '../../src/action/source-link.js';

const runner = { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/shop', GITHUB_SHA: 'c0ffee' };

describe('sourceUrl', () => {
  test('the file and line at the commit the job ran on', () => {
    expect(sourceUrl('deploy/compose.yaml', 12, runner)).toBe('https://github.com/acme/shop/blob/c0ffee/deploy/compose.yaml#L12');
    expect(sourceUrl('Dockerfile', undefined, runner)).toBe('https://github.com/acme/shop/blob/c0ffee/Dockerfile');
  });

  test('path segments are encoded, the slashes between them kept; a trailing slash on the server is dropped', () => {
    const env = { ...runner, GITHUB_SERVER_URL: 'https://ghe.example/' };
    expect(sourceUrl('my app/#1?.Dockerfile', 3, env)).toBe('https://ghe.example/acme/shop/blob/c0ffee/my%20app/%231%3F.Dockerfile#L3');
  });

  test('no link without all three runner variables', () => {
    for (const name of Object.keys(runner)) expect(sourceUrl('Dockerfile', 1, { ...runner, [name]: '' })).toBeUndefined();
  });
});
