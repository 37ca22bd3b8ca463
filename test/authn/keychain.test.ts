import { join } from 'node:path';
import { InputError, RegistryError } from '../../src/errors.js';
import { Keychain, type KeychainOptions } from '../../src/authn/keychain.js';
import { basicAuth, envWithHelpers, helperCalls, Scratch, writeConfig, writeHelpers } from './fixtures.js';

const scratch = new Scratch();
let bin: string;
let configDir: string;

beforeEach(() => {
  bin = scratch.dir();
  writeHelpers(bin);
  configDir = join(scratch.dir(), 'docker');
});
afterEach(() => scratch.cleanUp());

function keychain(options: KeychainOptions = {}): Keychain {
  return new Keychain({ dockerConfigDir: configDir, env: envWithHelpers(bin), ...options });
}

describe('config location', () => {
  test('a missing config file means anonymous', async () => {
    await expect(keychain().resolve('docker.io')).resolves.toBeUndefined();
  });

  test('DOCKER_CONFIG from the given environment names the directory', async () => {
    writeConfig(configDir, { auths: { 'ghcr.io': { auth: basicAuth('me', 'pw') } } });
    const chain = new Keychain({ env: envWithHelpers(bin, { DOCKER_CONFIG: configDir }), homeDir: scratch.dir() });
    await expect(chain.resolve('ghcr.io')).resolves.toEqual({ username: 'me', password: 'pw' });
  });

  test('without DOCKER_CONFIG the file is <home>/.docker/config.json', async () => {
    const home = scratch.dir();
    writeConfig(join(home, '.docker'), { auths: { 'ghcr.io': { auth: basicAuth('me', 'pw') } } });
    const chain = new Keychain({ env: envWithHelpers(bin), homeDir: home });
    await expect(chain.resolve('ghcr.io')).resolves.toEqual({ username: 'me', password: 'pw' });
  });
});

describe('auths in the file', () => {
  test('auth is base64 user:password and the password may contain colons', async () => {
    writeConfig(configDir, { auths: { 'registry.example.com': { auth: basicAuth('robot', 'pa:ss:word') } } });
    await expect(keychain().resolve('registry.example.com')).resolves.toEqual({ username: 'robot', password: 'pa:ss:word' });
  });

  test('username and password fields, identity token and registry token', async () => {
    writeConfig(configDir, {
      auths: {
        'a.example.com': { username: 'alice', password: 'secret-a' },
        'b.example.com': { identitytoken: 'refresh-b' },
        'c.example.com': { registrytoken: 'bearer-c' }
      }
    });
    const chain = keychain();
    await expect(chain.resolve('a.example.com')).resolves.toEqual({ username: 'alice', password: 'secret-a' });
    await expect(chain.resolve('b.example.com')).resolves.toEqual({ identityToken: 'refresh-b' });
    await expect(chain.resolve('c.example.com')).resolves.toEqual({ registryToken: 'bearer-c' });
  });

  test.each(['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'https://index.docker.io/v2/', 'registry-1.docker.io'])(
    'Docker Hub is found under %s',
    async (key) => {
      writeConfig(configDir, { auths: { [key]: { auth: basicAuth('hubuser', 'hubpass') } } });
      const chain = keychain();
      await expect(chain.resolve('docker.io')).resolves.toEqual({ username: 'hubuser', password: 'hubpass' });
      await expect(chain.resolve('ghcr.io')).resolves.toBeUndefined();
    }
  );

  test.each([
    ['https://ghcr.io', 'ghcr.io'],
    ['https://ghcr.io/v2/', 'ghcr.io'],
    ['http://localhost:5000/v2/', 'localhost:5000'],
    ['localhost:5000', 'localhost:5000'],
    ['localhost:5000/some/path', 'localhost:5000']
  ])('the key %s is found for %s', async (key, registry) => {
    writeConfig(configDir, { auths: { [key]: { auth: basicAuth('u', 'p') } } });
    await expect(keychain().resolve(registry)).resolves.toEqual({ username: 'u', password: 'p' });
  });

  test('a host with another port is another registry', async () => {
    writeConfig(configDir, { auths: { 'localhost:5000': { auth: basicAuth('u', 'p') } } });
    await expect(keychain().resolve('localhost:5001')).resolves.toBeUndefined();
    await expect(keychain().resolve('localhost')).resolves.toBeUndefined();
  });

  test('the exact key wins over a URL naming the same host', async () => {
    writeConfig(configDir, {
      auths: {
        'https://docker.io/': { auth: basicAuth('url', 'p1') },
        'https://index.docker.io/v1/': { auth: basicAuth('exact', 'p2') }
      }
    });
    await expect(keychain().resolve('docker.io')).resolves.toEqual({ username: 'exact', password: 'p2' });
  });

  test('an entry without a secret is no credentials', async () => {
    writeConfig(configDir, { auths: { 'ghcr.io': {}, 'quay.io': { username: 'only-a-name' } } });
    await expect(keychain().resolve('ghcr.io')).resolves.toBeUndefined();
    await expect(keychain().resolve('quay.io')).resolves.toBeUndefined();
  });
});

describe('credential helpers', () => {
  test('credsStore answers for every registry; the server URL is the bare host', async () => {
    writeConfig(configDir, { credsStore: 'test' });
    await expect(keychain().resolve('registry.example.com')).resolves.toEqual({
      username: 'helper-user',
      password: 'helper-password'
    });
    expect(helperCalls(bin, 'test')).toEqual(['registry.example.com']);
  });

  test('Docker Hub is asked for as https://index.docker.io/v1/ and Username <token> is an identity token', async () => {
    writeConfig(configDir, { credsStore: 'test' });
    await expect(keychain().resolve('docker.io')).resolves.toEqual({ identityToken: 'hub-identity-token' });
    expect(helperCalls(bin, 'test')).toEqual(['https://index.docker.io/v1/']);
  });

  test('"credentials not found" means none, and the file login is not used, as in docker/cli', async () => {
    writeConfig(configDir, { credsStore: 'test', auths: { 'quay.io': { auth: basicAuth('file-user', 'file-pass') } } });
    await expect(keychain().resolve('quay.io')).resolves.toBeUndefined();
    expect(helperCalls(bin, 'test')).toEqual(['quay.io']);
  });

  test('a registrytoken in the file survives a credsStore, as in docker/cli', async () => {
    writeConfig(configDir, { credsStore: 'test', auths: { 'quay.io': { registrytoken: 'file-bearer' } } });
    await expect(keychain().resolve('quay.io')).resolves.toEqual({ registryToken: 'file-bearer' });
  });

  test('credHelpers take precedence over credsStore and auths', async () => {
    writeConfig(configDir, {
      credsStore: 'other',
      credHelpers: { 'registry.example.com': 'test' },
      auths: { 'registry.example.com': { auth: basicAuth('file-user', 'file-pass') } }
    });
    const chain = keychain();
    await expect(chain.resolve('registry.example.com')).resolves.toEqual({ username: 'helper-user', password: 'helper-password' });
    await expect(chain.resolve('quay.io')).resolves.toEqual({ username: 'other-user', password: 'other-password' });
    expect(helperCalls(bin, 'test')).toEqual(['registry.example.com']);
    expect(helperCalls(bin, 'other')).toEqual(['quay.io']);
  });

  test('a credHelpers key for Docker Hub is the index URL', async () => {
    writeConfig(configDir, { credHelpers: { 'https://index.docker.io/v1/': 'test' } });
    await expect(keychain().resolve('docker.io')).resolves.toEqual({ identityToken: 'hub-identity-token' });
  });

  test('an empty credHelpers entry sends the registry back to the file', async () => {
    writeConfig(configDir, {
      credsStore: 'other',
      credHelpers: { 'quay.io': '' },
      auths: { 'quay.io': { auth: basicAuth('file-user', 'file-pass') } }
    });
    await expect(keychain().resolve('quay.io')).resolves.toEqual({ username: 'file-user', password: 'file-pass' });
    expect(helperCalls(bin, 'other')).toEqual([]);
  });

  test('each registry is looked up once, however many callers ask', async () => {
    writeConfig(configDir, { credsStore: 'test' });
    const chain = keychain();
    const answers = await Promise.all([chain.resolve('registry.example.com'), chain.resolve('registry.example.com')]);
    await chain.resolve('registry.example.com');
    await chain.resolve('quay.io');
    await chain.resolve('quay.io');
    expect(answers[0]).toEqual(answers[1]);
    expect(helperCalls(bin, 'test')).toEqual(['registry.example.com', 'quay.io']);
  });
});

describe('DOCKER_AUTH_CONFIG', () => {
  test('takes precedence over the file and its helpers', async () => {
    writeConfig(configDir, { credsStore: 'other' });
    const env = envWithHelpers(bin, {
      DOCKER_AUTH_CONFIG: JSON.stringify({ auths: { 'https://index.docker.io/v1/': { auth: basicAuth('env-user', 'env-pass') } } })
    });
    const chain = keychain({ env });
    await expect(chain.resolve('docker.io')).resolves.toEqual({ username: 'env-user', password: 'env-pass' });
    await expect(chain.resolve('quay.io')).resolves.toEqual({ username: 'other-user', password: 'other-password' });
    expect(helperCalls(bin, 'other')).toEqual(['quay.io']);
  });
});

describe('github-token for ghcr.io', () => {
  test('is used when Docker has nothing for ghcr.io', async () => {
    const chain = keychain({ githubToken: 'ghs_token' });
    await expect(chain.resolve('ghcr.io')).resolves.toEqual({ username: 'x-access-token', password: 'ghs_token' });
    await expect(chain.resolve('docker.io')).resolves.toBeUndefined();
  });

  test("comes after Docker's configuration", async () => {
    writeConfig(configDir, { auths: { 'ghcr.io': { auth: basicAuth('octocat', 'ghp_pat') } } });
    await expect(keychain({ githubToken: 'ghs_token' }).resolve('ghcr.io')).resolves.toEqual({
      username: 'octocat',
      password: 'ghp_pat'
    });
  });

  test('is used when the credsStore has nothing for ghcr.io', async () => {
    writeConfig(configDir, { credsStore: 'test' });
    await expect(keychain({ githubToken: 'ghs_token' }).resolve('ghcr.io')).resolves.toEqual({
      username: 'x-access-token',
      password: 'ghs_token'
    });
  });
});

describe('failures', () => {
  const secrets = ['file-secret-789', 'leaked-secret-123', 'garbled-secret-456'];

  function expectNoSecret(error: unknown): void {
    const message = (error as Error).message;
    for (const secret of secrets) expect(message).not.toContain(secret);
  }

  async function failure(promise: Promise<unknown>): Promise<Error> {
    const error = await promise.then(
      () => undefined,
      (reason: unknown) => reason
    );
    expect(error).toBeInstanceOf(Error);
    expectNoSecret(error);
    return error as Error;
  }

  test('invalid JSON is an input error naming the file, without quoting it', async () => {
    writeConfig(configDir, '{"auths": {"ghcr.io": {"password": "file-secret-789" "username": "u"}}}');
    const error = await failure(keychain().resolve('ghcr.io'));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain(join(configDir, 'config.json'));
    expect(error.message).toContain('not valid JSON (line 1, column');
  });

  test('a JSON error without a position quotes nothing either', async () => {
    writeConfig(configDir, '{"auths": file-secret-789}');
    const error = await failure(keychain().resolve('ghcr.io'));
    expect(error.message).toBe(`docker config file ${join(configDir, 'config.json')} is not valid JSON`);
  });

  test('a helper not on PATH is an input error naming it', async () => {
    writeConfig(configDir, { credsStore: 'missing' });
    const error = await failure(keychain().resolve('ghcr.io'));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(`credential helper docker-credential-missing, named in ${join(configDir, 'config.json')}, is not on PATH`);
  });

  test('a failing helper is an error naming it and saying why', async () => {
    writeConfig(configDir, { credsStore: 'broken' });
    const error = await failure(keychain().resolve('ghcr.io'));
    expect(error).toBeInstanceOf(RegistryError);
    expect(error.message).toBe(
      'credential helper docker-credential-broken failed for ghcr.io (exit code 1): gpg: decryption failed: No secret key'
    );
  });

  test('a failing helper that printed an answer is not quoted', async () => {
    writeConfig(configDir, { credsStore: 'leaky' });
    const error = await failure(keychain().resolve('ghcr.io'));
    expect(error.message).toBe('credential helper docker-credential-leaky failed for ghcr.io (exit code 2)');
  });

  test('a helper answering something other than JSON is not quoted', async () => {
    writeConfig(configDir, { credsStore: 'garbled' });
    const error = await failure(keychain().resolve('ghcr.io'));
    expect(error).toBeInstanceOf(RegistryError);
    expect(error.message).toContain('docker-credential-garbled');
  });

  test('a helper that does not answer times out', async () => {
    writeConfig(configDir, { credsStore: 'slow' });
    const started = Date.now();
    const error = await failure(keychain({ helperTimeoutMs: 300 }).resolve('ghcr.io'));
    expect(error).toBeInstanceOf(RegistryError);
    expect(error.message).toBe('credential helper docker-credential-slow gave no answer for ghcr.io within 0.3 s');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  test('a failure is remembered for the registry, not retried per image', async () => {
    writeConfig(configDir, { credsStore: 'broken' });
    const chain = keychain();
    await expect(chain.resolve('ghcr.io')).rejects.toThrow(RegistryError);
    await expect(chain.resolve('ghcr.io')).rejects.toThrow(RegistryError);
    expect(helperCalls(bin, 'broken')).toEqual(['ghcr.io']);
  });
});
