import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../src/errors.js';
import { parseLockfile, readLockfile, serializeLockfile, writeLockfile, type Lockfile } from '../../src/lockfile/lockfile.js';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;

const lockfile = (): Lockfile => ({
  lockfileVersion: 1,
  images: {
    'localhost:5000/z:1': { sources: ['b', 'a'], platforms: { 'linux/arm64/v8': B, 'linux/amd64': A }, mediaType: 'm', digest: A },
    'docker.io/library/a:1': { digest: B, mediaType: 'm', platforms: { 'linux/amd64': B }, sources: [] }
  }
});

describe('lockfile', () => {
  test('serialises with sorted keys, two-space indent and a trailing newline', () => {
    const text = serializeLockfile(lockfile());
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.indexOf('docker.io/library/a:1')).toBeLessThan(text.indexOf('localhost:5000/z:1'));
    expect(text.indexOf('"linux/amd64"')).toBeLessThan(text.indexOf('"linux/arm64/v8"'));
    expect(text.indexOf('"digest"')).toBeLessThan(text.indexOf('"mediaType"'));
    expect(text).toContain('\n  "images": {\n    "docker.io/library/a:1": {\n      "digest"');
    expect(serializeLockfile(JSON.parse(text))).toBe(text);
  });

  test('writes atomically and reports whether the bytes changed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lockfile-'));
    const path = join(dir, 'image-lock.json');
    expect(await readLockfile(path)).toBeUndefined();
    expect(await writeLockfile(path, lockfile())).toBe(true);
    const first = await readFile(path, 'utf8');
    expect(await writeLockfile(path, lockfile())).toBe(false);
    expect(await readFile(path, 'utf8')).toBe(first);
    expect(await readLockfile(path)).toEqual(JSON.parse(first));
  });

  test.each([
    ['not json', 'not JSON'],
    ['{"lockfileVersion": 2, "images": {}}', 'unsupported lockfileVersion 2'],
    ['{"lockfileVersion": 1}', '"images" is missing'],
    [`{"lockfileVersion": 1, "images": {"x": {"digest": "sha256:1", "mediaType": "m", "platforms": {}, "sources": []}}}`, 'x: digest'],
    [`{"lockfileVersion": 1, "images": {"x": {"digest": "${A}", "mediaType": "m", "platforms": {}}}}`, 'x: sources is not a list']
  ])('refuses an invalid lockfile: %s', (text, reason) => {
    expect(() => parseLockfile(text, 'image-lock.json')).toThrow(InputError);
    expect(() => parseLockfile(text, 'image-lock.json')).toThrow(reason);
  });

  test('an unreadable lockfile is bad input naming the path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lockfile-'));
    await writeFile(join(dir, 'bad.json'), '{');
    await expect(readLockfile(join(dir, 'bad.json'))).rejects.toThrow(`invalid lockfile ${join(dir, 'bad.json')}`);
    await expect(readLockfile(dir)).rejects.toThrow(InputError);
  });
});

describe('lockfile shape', () => {
  const entry = { digest: A, mediaType: 'm', platforms: {}, sources: [] };
  test.each([
    [{ lockfileVersion: 1, images: [entry, entry] }, '"images" is missing or not an object of references'],
    [{ lockfileVersion: 1, images: null }, '"images" is missing or not an object of references'],
    [
      { lockfileVersion: 1, images: { 'NOT A REF!!': entry } },
      'NOT A REF!!: key is not an image reference (invalid image reference "NOT A REF!!": repository name must be lowercase)'
    ],
    [{ lockfileVersion: 1, images: { x: { ...entry, platforms: [A] } } }, 'x: platforms is not an object'],
    [
      { lockfileVersion: 1, images: { x: { ...entry, platforms: { 'linux/amd64': 7 } } } },
      'x: platforms holds a value that is not a digest'
    ],
    [{ lockfileVersion: 1, images: { x: { ...entry, sources: [1] } } }, 'x: sources is not a list of paths'],
    [{ lockfileVersion: 1, images: { x: [] } }, 'x: entry is not an object'],
    [{ lockfileVersion: 1, images: { x: { ...entry, firstSeen: '5 Dec 2026' } } }, 'x: firstSeen is not a day (YYYY-MM-DD)'],
    [{ lockfileVersion: 1, images: { x: { ...entry, platform: 3 } } }, 'x: platform is not a platform'],
    [{ lockfileVersion: 1, images: { x: { ...entry, pending: { digest: A } } } }, 'x: pending is not {"digest", "firstSeen"}'],
    [[], 'not an object']
  ])('a lockfile of the wrong shape is bad input: %j', (data, reason) => {
    expect(() => parseLockfile(JSON.stringify(data), 'image-lock.json')).toThrow(
      new InputError(`invalid lockfile image-lock.json: ${reason}`)
    );
  });
});
