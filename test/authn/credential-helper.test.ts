import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, RegistryError } from '../../src/errors.js';
import { getFromCredentialHelper } from '../../src/authn/credential-helper.js';
import { envWithHelpers, Scratch, writeHelper } from './fixtures.js';

const scratch = new Scratch();
let bin: string;

beforeEach(() => {
  bin = scratch.dir();
});
afterEach(() => scratch.cleanUp());

function get(name: string, serverAddress = 'quay.io') {
  return getFromCredentialHelper(name, serverAddress, { env: envWithHelpers(bin) });
}

test('the server URL arrives on stdin as it is, without a newline', async () => {
  writeHelper(bin, 'echo', `server=$(cat; printf .); printf '{"Username":"u","Secret":"%s"}' "$server"`);
  await expect(get('echo', 'https://index.docker.io/v1/')).resolves.toEqual({
    username: 'u',
    password: 'https://index.docker.io/v1/.'
  });
});

test('an answer without a secret is no credentials', async () => {
  writeHelper(bin, 'empty', `cat >/dev/null; echo '{"ServerURL":"quay.io","Username":"","Secret":""}'`);
  await expect(get('empty')).resolves.toBeUndefined();
});

test('"credentials not found" on stderr also means none', async () => {
  writeHelper(bin, 'stderr', `echo "error: credentials not found" >&2; exit 3`);
  await expect(get('stderr')).resolves.toBeUndefined();
});

test('a helper that exits without reading stdin is heard', async () => {
  writeHelper(bin, 'deaf', `echo '{"Username":"u","Secret":"s"}'`);
  await expect(get('deaf')).resolves.toEqual({ username: 'u', password: 's' });
});

test.each(['[]', '"text"', '{"Username":"u","Secret":42}'])('the answer %s is an error that does not quote it', async (answer) => {
  writeHelper(bin, 'odd', `cat >/dev/null; echo '${answer}'`);
  const error = await get('odd').catch((reason: unknown) => reason);
  expect(error).toBeInstanceOf(RegistryError);
  expect((error as Error).message).toMatch(/^credential helper docker-credential-odd for quay.io answered /);
  expect((error as Error).message).not.toContain(answer);
});

test('a helper killed by a signal says so', async () => {
  writeHelper(bin, 'killed', 'kill -9 $$');
  await expect(get('killed')).rejects.toThrow('credential helper docker-credential-killed failed for quay.io (killed by SIGKILL)');
});

test('a helper that cannot be executed is an input error naming it', async () => {
  const file = join(bin, 'docker-credential-noexec');
  writeFileSync(file, 'not a program');
  chmodSync(file, 0o644);
  const error = await get('noexec').catch((reason: unknown) => reason);
  expect(error).toBeInstanceOf(InputError);
  expect((error as Error).message).toBe('cannot run credential helper docker-credential-noexec: EACCES');
});
