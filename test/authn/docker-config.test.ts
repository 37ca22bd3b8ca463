import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../src/errors.js';
import { entryFor, helperFor, loadDockerConfig, parseDockerConfig } from '../../src/authn/docker-config.js';
import { basicAuth, Scratch, writeConfig } from './fixtures.js';

const FILE = '/home/runner/.docker/config.json';
const scratch = new Scratch();
afterEach(() => scratch.cleanUp());

function parse(config: unknown) {
  return parseDockerConfig(typeof config === 'string' ? config : JSON.stringify(config), FILE);
}

function parseError(config: unknown): InputError {
  try {
    parse(config);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected an InputError');
}

describe('parseDockerConfig', () => {
  test.each(['', '  \n', 'null', '{}'])('%j is an empty configuration', (text) => {
    const config = parse(text);
    expect(config.auths.size).toBe(0);
    expect(config.credHelpers.size).toBe(0);
    expect(config.credsStore).toBeUndefined();
  });

  test('auth wins over username and password, as in docker/cli', () => {
    const config = parse({ auths: { 'quay.io': { auth: basicAuth('from-auth', 'p1'), username: 'field', password: 'p2' } } });
    expect(config.auths.get('quay.io')).toEqual({ username: 'from-auth', password: 'p1' });
  });

  test('NUL padding after the password is dropped, as in docker/cli', () => {
    const config = parse({ auths: { 'quay.io': { auth: basicAuth('u', 'pw\0\0') } } });
    expect(config.auths.get('quay.io')).toEqual({ username: 'u', password: 'pw' });
  });

  test('field names match regardless of case, as with Go', () => {
    const config = parse({ Auths: { 'quay.io': { Auth: basicAuth('u', 'p'), IdentityToken: 'it' } }, CredsStore: 'pass' });
    expect(config.auths.get('quay.io')).toEqual({ username: 'u', password: 'p', identityToken: 'it' });
    expect(config.credsStore).toBe('pass');
  });

  test.each([
    ['not base64', 'not base64 at all!'],
    ['no colon', Buffer.from('usersecret-999').toString('base64')],
    ['an empty username', basicAuth('', 'secret-999')]
  ])('an auth with %s is an error naming the file and entry, not the value', (_, auth) => {
    const error = parseError({ auths: { 'quay.io': { auth } } });
    expect(error.message).toBe(`docker config file ${FILE}: "auths" entry "quay.io": "auth" is not base64 of "username:password"`);
  });

  test.each([
    [{ auths: [] }, '"auths" must be an object'],
    [{ auths: { 'quay.io': 'secret-999' } }, '"auths" entry "quay.io" must be an object'],
    [{ auths: { 'quay.io': { password: 42 } } }, '"auths" entry "quay.io", "password" must be a string'],
    [{ credsStore: 7 }, '"credsStore" must be a string'],
    [{ credHelpers: { 'quay.io': true } }, '"credHelpers" entry "quay.io" must be a string'],
    [['secret-999'], 'expected a JSON object']
  ])('%j is an error: %s', (config, reason) => {
    const error = parseError(config);
    expect(error.message).toBe(`docker config file ${FILE}: ${reason}`);
    expect(error.message).not.toContain('secret-999');
  });

  test('the position of a JSON error is given as line and column', () => {
    expect(parseError('{\n  "auths": {\n    "a": {"password": "secret-999",}\n  }\n}').message).toBe(
      `docker config file ${FILE} is not valid JSON (line 3, column 36)`
    );
  });
});

describe('entryFor', () => {
  const entries = new Map([
    ['https://quay.io', 'quay by URL'],
    ['https://index.docker.io/v1/', 'hub'],
    ['[::1]:5000', 'loopback v6']
  ]);

  test.each([
    ['quay.io', 'quay by URL'],
    ['docker.io', 'hub'],
    ['[::1]:5000', 'loopback v6'],
    ['index.docker.io.example.com', undefined],
    ['ghcr.io', undefined]
  ])('%s -> %s', (registry, expected) => {
    expect(entryFor(entries, registry)).toBe(expected);
  });
});

describe('helperFor', () => {
  const config = parse({ credsStore: 'desktop', credHelpers: { 'gcr.io': 'gcloud', 'quay.io': '' } });

  test.each([
    ['gcr.io', 'gcloud'],
    ['docker.io', 'desktop'],
    ['quay.io', undefined]
  ])('%s -> %s', (registry, expected) => {
    expect(helperFor(config, registry)).toBe(expected);
  });

  test('no credsStore and no credHelpers entry means the file', () => {
    expect(helperFor(parse({ credHelpers: { 'gcr.io': 'gcloud' } }), 'docker.io')).toBeUndefined();
  });
});

describe('loadDockerConfig', () => {
  test('a config.json that cannot be read is an input error naming it', async () => {
    const dir = scratch.dir();
    mkdirSync(join(dir, 'config.json'));
    const error = await loadDockerConfig({ dockerConfigDir: dir, env: {} }).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe(`cannot read docker config file ${join(dir, 'config.json')}: EISDIR`);
  });

  test('an empty DOCKER_CONFIG is unset, as in docker/cli', async () => {
    const home = scratch.dir();
    writeConfig(join(home, '.docker'), { credsStore: 'pass' });
    const config = await loadDockerConfig({ homeDir: home, env: { DOCKER_CONFIG: '' } });
    expect(config.file).toBe(join(home, '.docker', 'config.json'));
    expect(config.credsStore).toBe('pass');
  });

  test('the directory given wins over DOCKER_CONFIG', async () => {
    const dir = scratch.dir();
    const config = await loadDockerConfig({ dockerConfigDir: dir, env: { DOCKER_CONFIG: '/nowhere' } });
    expect(config.file).toBe(join(dir, 'config.json'));
  });

  test('DOCKER_AUTH_CONFIG is read from the environment given', async () => {
    const env = { DOCKER_AUTH_CONFIG: JSON.stringify({ auths: { 'quay.io': { auth: basicAuth('u', 'p') } } }) };
    const config = await loadDockerConfig({ dockerConfigDir: scratch.dir(), env });
    expect(config.environmentAuths.get('quay.io')).toEqual({ username: 'u', password: 'p' });
  });

  test.each([
    ['{"auths": secret-999}', 'DOCKER_AUTH_CONFIG is not valid JSON'],
    ['{"auths": {"quay.io": {"password": "secret-999"}}}', 'DOCKER_AUTH_CONFIG: "auths" entry "quay.io" has no "auth"']
  ])('DOCKER_AUTH_CONFIG=%s is an input error that does not quote it', async (value, message) => {
    const error = await loadDockerConfig({ dockerConfigDir: scratch.dir(), env: { DOCKER_AUTH_CONFIG: value } }).catch(
      (reason: unknown) => reason
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe(message);
  });
});
