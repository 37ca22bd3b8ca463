import { hasSecret, redact } from '../../src/authn/credentials.js';

describe('redact', () => {
  test('replaces every secret, and the Basic encoding of the login', () => {
    const credentials = { username: 'robot', password: 'pa:ss', identityToken: 'refresh-1', registryToken: 'bearer-2' };
    const basic = Buffer.from('robot:pa:ss').toString('base64');
    const text = `user robot, password pa:ss, header Basic ${basic}, tokens refresh-1 bearer-2 pa:ss`;
    expect(redact(text, credentials)).toBe('user robot, password ***, header Basic ***, tokens *** *** ***');
  });

  test('a secret containing another is replaced whole', () => {
    expect(redact('token abc-long', { password: 'abc', registryToken: 'abc-long' })).toBe('token ***');
  });

  test('leaves text alone without credentials', () => {
    expect(redact('nothing secret', undefined)).toBe('nothing secret');
    expect(redact('nothing secret', {})).toBe('nothing secret');
  });
});

describe('hasSecret', () => {
  test.each([
    [{}, false],
    [{ username: 'only-a-name' }, false],
    [{ username: 'u', password: 'p' }, true],
    [{ identityToken: 'i' }, true],
    [{ registryToken: 'r' }, true]
  ])('%j -> %s', (credentials, expected) => {
    expect(hasSecret(credentials)).toBe(expected);
  });
});
