import { join } from 'node:path';
import { tmpdir } from 'node:os';
import fc from 'fast-check';
import { entryFor, helperFor, loadDockerConfig, parseDockerConfig } from '../../src/authn/docker-config.js';
import { InputError, messageOf } from '../../src/errors.js';
import { charsOf, inputsOf, JSON_PIECES, jsonTexts, resultOrTyped } from './fuzz.js';

const PIECES = [...JSON_PIECES, '"auths"', '"Auths"', '"auth"', '"credsStore"', '"credHelpers"', '"dXNlcjpwYXNz"', ' ', '\n', '=', '\\n'];

/** Base64 as writers leave it: of any text, with line breaks, bad padding or stray characters. */
const auth = fc.oneof(
  fc.string().map((login) => Buffer.from(login).toString('base64')),
  fc.tuple(fc.string(), fc.string()).map(([user, password]) => Buffer.from(`${user}:${password}\0\0`).toString('base64')),
  fc.string().map((login) =>
    Buffer.from(login)
      .toString('base64')
      .replace(/(.{3})/g, '$1\r\n')
  ),
  fc.string().map((login) => Buffer.from(login).toString('base64').replace(/=+$/, '')),
  fc.string().map((login) => `${Buffer.from(login).toString('base64')}=!`),
  fc.jsonValue({ maxDepth: 1 })
);

const key = fc.oneof(
  fc.constantFrom('https://index.docker.io/v1/', 'docker.io', 'registry-1.docker.io', 'ghcr.io', 'http://[::1', 'https://', '//x/y', ''),
  fc.webUrl(),
  fc.string()
);
/** Mostly `valid`, now and then any JSON value in its place. */
const mostly = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: valid, weight: 5 }, { arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 1 });
const value = mostly(fc.string());

const entry = mostly(
  fc.record({ auth, username: value, password: value, identitytoken: value, registrytoken: value }, { requiredKeys: [] })
);

const nearValid = fc.record(
  {
    auths: mostly(fc.dictionary(key, entry, { maxKeys: 3 })),
    credsStore: value,
    credHelpers: mostly(fc.dictionary(key, value, { maxKeys: 3 }))
  },
  { requiredKeys: [] }
);

const configText = inputsOf(PIECES, ...jsonTexts(nearValid));

const registry = fc.oneof(fc.constantFrom('docker.io', 'ghcr.io', 'localhost:5000'), fc.string());

describe('parseDockerConfig on arbitrary input', () => {
  test('returns a configuration that answers any registry, or throws InputError', () => {
    fc.assert(
      fc.property(configText, registry, (text, host) => {
        const config = resultOrTyped(() => parseDockerConfig(text, 'config.json'), InputError);
        if (config === undefined) return;
        entryFor(config.auths, host);
        helperFor(config, host);
      }),
      { numRuns: 5_000 }
    );
  });

  test('near-valid input often parses (so the property above is not vacuous)', () => {
    const texts = fc.sample(nearValid, { numRuns: 500, seed: 5 }).map((json) => JSON.stringify(json));
    const withAuths = texts.filter((text) => resultOrTyped(() => parseDockerConfig(text, 'config.json'), InputError)?.auths.size);
    expect(withAuths.length).toBeGreaterThan(20);
  });
});

describe('a broken Docker config', () => {
  test('is refused without naming a password or token, wherever it breaks', () => {
    fc.assert(
      fc.property(charsOf('QWXZJKV', 12, 20), fc.nat(), fc.constantFrom('"', '}', ',', '\\', '!', '\u0000'), (secret, at, junk) => {
        const entry = { auth: Buffer.from(`user:${secret}`).toString('base64'), password: secret, identitytoken: secret };
        const text = JSON.stringify({ auths: { 'ghcr.io': entry } });
        const cut = at % text.length;
        try {
          parseDockerConfig(text.slice(0, cut) + junk + text.slice(cut), 'config.json');
        } catch (error) {
          expect(messageOf(error)).not.toContain(secret.slice(0, 8));
        }
      }),
      { numRuns: 2_000 }
    );
  });
});

describe('DOCKER_AUTH_CONFIG on arbitrary input', () => {
  test('gives a configuration or throws InputError', async () => {
    const dockerConfigDir = join(tmpdir(), 'image-lock-fuzz-no-such-dir');
    await fc.assert(
      fc.asyncProperty(configText, async (text) => {
        await loadDockerConfig({ dockerConfigDir, env: { DOCKER_AUTH_CONFIG: text } }).catch((error: unknown) => {
          if (!(error instanceof InputError)) throw error;
        });
      }),
      { numRuns: 2_000 }
    );
  });
});
