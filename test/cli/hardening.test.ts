import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chmod, chown, lstat, mkdir, mkdtemp, readFile, readdir, readlink, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTestEnv } from '../env/env.js';
import { fillDisk, mountTmpfs, remountReadOnly } from '../fs/tmpfs.js';
import { cli, workspace } from './helpers.js';
import { pushOwnImage } from './own-images.js';

const env = loadTestEnv();
const host = env.registries.anonymous.host;
const ref = `${host}/hardening-cli/app:1.0`;
let digest: string;
/** Nothing listens there: a run that reached the network would end in exit 3, not 2. */
const UNREACHABLE = '127.0.0.1:9/nothing/here:1.0';

beforeAll(async () => {
  digest = await pushOwnImage('hardening-cli/app', '1.0');
});

describe('pin never writes outside the repository, nor twice, nor over an edit', () => {
  test('a Dockerfile that links outside the repository is refused and left as it was', async () => {
    const outside = join(await mkdtemp(join(tmpdir(), 'outside-')), 'Dockerfile');
    await writeFile(outside, `FROM ${ref}\n`);
    const dir = await workspace({ 'app/Dockerfile': `FROM ${ref}\n` });
    await symlink(outside, join(dir, 'Dockerfile'));
    const result = await cli(dir, 'pin');
    expect(result.code).toBe(0);
    expect(await readFile(outside, 'utf8')).toBe(`FROM ${ref}\n`);
    expect(result.stderr).toContain(`Dockerfile:1: warning: not scanned: it is ${outside}, outside the repository`);
    expect(await readFile(join(dir, 'app/Dockerfile'), 'utf8')).toBe(`FROM ${ref}@${digest}\n`);
  });

  test('one file reached by two paths (a file link, a folder link) is pinned once', async () => {
    const dir = await workspace({ 'app/Dockerfile': `FROM ${ref} AS base\n` });
    await symlink('app/Dockerfile', join(dir, 'Dockerfile'));
    await symlink('app', join(dir, 'alias'));
    const result = await cli(dir, 'pin');
    expect(result.code).toBe(0);
    expect(await readFile(join(dir, 'app/Dockerfile'), 'utf8')).toBe(`FROM ${ref}@${digest} AS base\n`);
    expect(await readlink(join(dir, 'Dockerfile'))).toBe('app/Dockerfile');
    const lockfile = JSON.parse(await readFile(join(dir, 'image-lock.json'), 'utf8'));
    expect(lockfile.images[`${ref}@${digest}`].sources).toEqual(['app/Dockerfile']);
    expect((await cli(dir, 'verify')).code).toBe(0);
  });

  test('a conflicted lockfile stops pin before any file is rewritten (exit 2)', async () => {
    const conflicted = '<<<<<<< HEAD\n{"lockfileVersion": 1, "images": {}}\n=======\n{}\n>>>>>>> theirs\n';
    const dir = await workspace({ Dockerfile: `FROM ${ref}\n`, 'image-lock.json': conflicted });
    const result = await cli(dir, 'pin');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('invalid lockfile image-lock.json: not JSON');
    expect(await readFile(join(dir, 'Dockerfile'), 'utf8')).toBe(`FROM ${ref}\n`);
  });
});

describe('local problems are exit 2, named by the path given, before any network work', () => {
  test('a lockfile folder that does not exist', async () => {
    const dir = await workspace();
    const result = await cli(dir, 'lock', '--image', UNREACHABLE, '--lockfile', 'missing/images.json');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `image-lock: cannot write the lockfile missing/images.json in ${join(dir, 'missing')}: no such file or folder (ENOENT)\n`
    );
  });

  test('a read-only folder and a full disk', async () => {
    const dir = await workspace();
    const readOnly = await mountTmpfs(1 << 20, join(dir, 'ro'));
    const full = await mountTmpfs(1 << 20, join(dir, 'full'));
    try {
      await remountReadOnly(readOnly.dir);
      const ro = await cli(dir, 'lock', '--image', UNREACHABLE, '--lockfile', 'ro/image-lock.json');
      expect(ro.code).toBe(2);
      expect(ro.stderr).toContain('cannot write the lockfile ro/image-lock.json in');
      expect(ro.stderr).toContain('read-only (EROFS)');
      await fillDisk(full.dir);
      const noSpace = await cli(dir, 'lock', '--image', UNREACHABLE, '--lockfile', 'full/image-lock.json', '--json');
      expect(noSpace.code).toBe(2);
      expect(JSON.parse(noSpace.stdout)).toEqual({
        error: 'cannot write the lockfile full/image-lock.json: no space left on the device (ENOSPC)',
        exitCode: 2
      });
    } finally {
      await readOnly.unmount();
      await full.unmount();
    }
  });

  test('a lockfile of the wrong shape', async () => {
    const dir = await workspace({ 'image-lock.json': JSON.stringify({ lockfileVersion: 1, images: [{ digest }] }) });
    const result = await cli(dir, 'verify', '--image', ref);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('invalid lockfile image-lock.json: "images" is missing or not an object of references');
  });

  test('a glob outside the repository is refused; a glob matching nothing is bad input', async () => {
    const dir = await workspace({ Dockerfile: `FROM ${ref}\n` });
    const glob = await cli(dir, 'lock', '--file', '../../../etc/*');
    expect(glob).toMatchObject({ code: 2, stderr: `image-lock: outside the repository ${dir}: ../../../etc/*\n` });
    const none = await cli(dir, 'lock', '--file', 'deploy/*.yaml');
    expect(none).toMatchObject({ code: 2, stderr: 'image-lock: no file matches deploy/*.yaml\n' });
    expect(await readdir(dir)).toEqual(['Dockerfile']);
  });
});

describe('a path the user typed is written where asked', () => {
  test('--lockfile anywhere: an absolute path elsewhere, and ../ from a subfolder of a git work tree; mode kept', async () => {
    const elsewhere = join(await mkdtemp(join(tmpdir(), 'elsewhere-')), 'x.json');
    const dir = await workspace({ '.git/HEAD': 'ref: refs/heads/main\n', 'sub/Dockerfile': `FROM ${ref}\n` });
    const absolute = await cli(dir, 'lock', '--image', ref, '--lockfile', elsewhere);
    expect(absolute).toMatchObject({ code: 0 });
    expect(JSON.parse(await readFile(elsewhere, 'utf8')).images[ref].digest).toBe(digest);

    await writeFile(join(dir, 'x.json'), '{"lockfileVersion": 1, "images": {}}\n');
    await chmod(join(dir, 'x.json'), 0o600);
    const parent = await cli(join(dir, 'sub'), 'lock', '--lockfile', '../x.json');
    expect(parent).toMatchObject({ code: 0 });
    expect(JSON.parse(await readFile(join(dir, 'x.json'), 'utf8')).images[ref].sources).toEqual(['Dockerfile']);
    expect((await stat(join(dir, 'x.json'))).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['.git', 'sub', 'x.json']);
  });
});

describe('the lockfile is rewritten in place', () => {
  test('through a symbolic link inside the repository, keeping mode and owner', async () => {
    const dir = await workspace({ Dockerfile: `FROM ${ref}\n`, 'locks/images.json': '{"lockfileVersion": 1, "images": {}}\n' });
    await symlink('locks/images.json', join(dir, 'image-lock.json'));
    await chmod(join(dir, 'locks/images.json'), 0o640);
    await chown(join(dir, 'locks/images.json'), 1234, 2345);
    expect((await cli(dir, 'lock')).code).toBe(0);
    expect((await lstat(join(dir, 'image-lock.json'))).isSymbolicLink()).toBe(true);
    const target = await stat(join(dir, 'locks/images.json'));
    expect({ mode: target.mode & 0o7777, uid: target.uid, gid: target.gid }).toEqual({ mode: 0o640, uid: 1234, gid: 2345 });
    expect(Object.keys(JSON.parse(await readFile(join(dir, 'locks/images.json'), 'utf8')).images)).toEqual([ref]);
    expect(await readdir(join(dir, 'locks'))).toEqual(['images.json']);
  });

  test('but not through a link leading outside it', async () => {
    const outside = join(await mkdtemp(join(tmpdir(), 'outside-')), 'images.json');
    await writeFile(outside, 'theirs\n');
    const dir = await workspace({ Dockerfile: `FROM ${ref}\n` });
    await symlink(outside, join(dir, 'image-lock.json'));
    const result = await cli(dir, 'lock');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`image-lock: the lockfile image-lock.json is ${outside}, outside ${dir}: refusing to write there\n`);
    expect(await readFile(outside, 'utf8')).toBe('theirs\n');
  });
});

describe('a stalled registry', () => {
  let server: Server;
  let stallHost: string;
  const manifestRequests: string[] = [];
  beforeAll(async () => {
    // Answers the API check, then sends a manifest's headers and its first bytes, and stops.
    server = createServer((request, response) => {
      if (request.url === '/v2/') return response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      manifestRequests.push(request.url ?? '');
      if (request.url?.includes('/silent/')) return; // not even headers
      response.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'content-length': '1000' });
      response.write('{"schemaVersion": 2,');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    stallHost = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  test.each(['body', 'silent'])('fails the reference with exit 3 naming the host, after one retry (%s)', async (kind) => {
    manifestRequests.length = 0;
    const dir = await workspace();
    const started = Date.now();
    const result = await cli(dir, 'lock', '--image', `${stallHost}/${kind}/app:1.0`, '--timeout', '1');
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`${stallHost} stalled: no byte for 1 s, 2 times (--timeout changes the wait)`);
    expect(manifestRequests).toEqual([`/v2/${kind}/app/manifests/1.0`, `/v2/${kind}/app/manifests/1.0`]);
    // A generous bound: the default 60 s body timeout of undici would blow it.
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(await readdir(dir)).toEqual([]);
  });

  test('--timeout takes seconds', async () => {
    const result = await cli(await workspace(), 'lock', '--image', ref, '--timeout', '0');
    expect(result).toMatchObject({ code: 2, stderr: 'image-lock: invalid timeout "0": expected seconds, more than 0 and at most 3600\n' });
  });
});

test('a blob store that cannot be made is exit 2 naming it, before any download', async () => {
  const dir = await workspace({ 'image-lock.json': '{"lockfileVersion": 1, "images": {}}\n' });
  await mkdir(join(dir, 'cache'));
  await writeFile(join(dir, 'cache', 'blobs'), 'a file where a folder should be');
  const lockfile = JSON.stringify({
    lockfileVersion: 1,
    images: { [ref]: { digest, mediaType: 'application/vnd.oci.image.index.v1+json', platforms: { 'linux/amd64': digest }, sources: [] } }
  });
  await writeFile(join(dir, 'image-lock.json'), lockfile);
  const result = await cli(dir, 'pull', '--no-load', '--cache-dir', 'cache');
  expect(result.code).toBe(2);
  expect(result.stderr).toBe(
    `image-lock: cannot create the blob store ${join(dir, 'cache')}: part of the path is not a folder (ENOTDIR)\n`
  );
});
