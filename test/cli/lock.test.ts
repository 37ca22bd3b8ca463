import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadTestEnv } from '../env/env.js';
import { bundledCli, cli, cliAt, workspace } from './helpers.js';

const env = loadTestEnv();
const host = env.registries.anonymous.host;
const fixture = (name: string) => env.fixtures.images[name];
const platformDigests = (name: string) =>
  Object.fromEntries(Object.entries(fixture(name).platforms).map(([platform, p]) => [platform, p.manifestDigest]));

describe('image-lock lock', () => {
  test('writes the lockfile of SPEC for given images, byte-identical when nothing changed', async () => {
    const dir = await workspace();
    const args = ['lock', '--image', `${host}/multi/app:1.0`, '--image', `${host}/docker/v2:1.0`, '--image', `${host}/docker/list:1.0`];
    const first = await cliAt('2026-01-02', dir, ...args);
    expect(first).toMatchObject({ code: 0 });
    expect(first.stdout).toContain('Locked 3 images in image-lock.json (updated)');
    const text = await readFile(join(dir, 'image-lock.json'), 'utf8');
    expect(JSON.parse(text)).toEqual({
      lockfileVersion: 1,
      images: {
        [`${host}/docker/list:1.0`]: {
          digest: fixture('docker/list:1.0').digest,
          mediaType: fixture('docker/list:1.0').mediaType,
          platforms: platformDigests('docker/list:1.0'),
          firstSeen: '2026-01-02',
          sources: []
        },
        [`${host}/docker/v2:1.0`]: {
          digest: fixture('docker/v2:1.0').digest,
          mediaType: fixture('docker/v2:1.0').mediaType,
          platforms: platformDigests('docker/v2:1.0'),
          firstSeen: '2026-01-02',
          sources: []
        },
        [`${host}/multi/app:1.0`]: {
          digest: fixture('multi/app:1.0').digest,
          mediaType: fixture('multi/app:1.0').mediaType,
          platforms: platformDigests('multi/app:1.0'),
          firstSeen: '2026-01-02',
          sources: []
        }
      }
    });
    expect(Object.keys(JSON.parse(text).images[`${host}/multi/app:1.0`].platforms)).toEqual([
      'linux/amd64',
      'linux/arm/v7',
      'linux/arm64/v8'
    ]);
    expect(text.endsWith('\n')).toBe(true);
    // Another day, the same digests: their first-seen day is kept, not one byte changes.
    const second = await cliAt('2026-03-04', dir, ...args);
    expect(second.stdout).toContain('(unchanged)');
    expect(await readFile(join(dir, 'image-lock.json'), 'utf8')).toBe(text);
  });

  test('scans the default globs and records sorted sources; findings name file, line and pinned form', async () => {
    const dir = await workspace({
      Dockerfile: `FROM ${host}/multi/app:1.0 AS build\nRUN make\nFROM ${host}/single/oci:1.0\nCOPY --from=build /out /out\n`,
      'deploy/compose.yaml': `services:\n  web:\n    image: ${host}/multi/app:1.0\n  cache:\n    image: \${CACHE_IMAGE:-${host}/multi/app}\n`,
      'notes.txt': `FROM ${host}/docker/v2:1.0\n`
    });
    const result = await cli(dir, 'lock', '--platform', 'linux/amd64');
    expect(result.code).toBe(0);
    const lockfile = JSON.parse(await readFile(join(dir, 'image-lock.json'), 'utf8'));
    expect(Object.keys(lockfile.images)).toEqual([`${host}/multi/app:1.0`, `${host}/multi/app:latest`, `${host}/single/oci:1.0`]);
    expect(lockfile.images[`${host}/multi/app:1.0`].sources).toEqual(['Dockerfile', 'deploy/compose.yaml']);
    expect(lockfile.images[`${host}/multi/app:1.0`].platforms).toEqual({
      'linux/amd64': fixture('multi/app:1.0').platforms['linux/amd64'].manifestDigest
    });
    expect(result.stderr).toContain(
      `Dockerfile:1: warning: ${host}/multi/app:1.0 is not pinned by digest; use ${host}/multi/app:1.0@${fixture('multi/app:1.0').digest}`
    );
    expect(result.stderr).toMatch(new RegExp(`deploy/compose.yaml:5: warning: ${host}/multi/app has no tag`));
  });

  test('--mutable error fails with exit 1 after writing the lockfile', async () => {
    const dir = await workspace();
    const result = await cli(dir, 'lock', '--image', `${host}/multi/app:1.0`, '--mutable', 'error');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`error: ${host}/multi/app:1.0 is not pinned by digest`);
    expect(existsSync(join(dir, 'image-lock.json'))).toBe(true);
    const pinned = await cli(dir, 'lock', '--image', `${host}/multi/app:1.0@${fixture('multi/app:1.0').digest}`, '--mutable', 'error');
    expect(pinned.code).toBe(0);
  });

  test('an invalid reference in a file is an error on its line; the rest is still locked (exit 1)', async () => {
    const dir = await workspace({ Dockerfile: `FROM Ubuntu:22.04\nFROM ${host}/multi/app:1.0\n` });
    const result = await cli(dir, 'lock');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Dockerfile:1: error: invalid image reference "Ubuntu:22.04": repository name must be lowercase');
    const lockfile = JSON.parse(await readFile(join(dir, 'image-lock.json'), 'utf8'));
    expect(Object.keys(lockfile.images)).toEqual([`${host}/multi/app:1.0`]);
  });

  test('bad input exits 2 naming the offending text, and writes nothing', async () => {
    const dir = await workspace();
    const result = await cli(dir, 'lock', '--image', 'Ubuntu:22.04');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('invalid image reference "Ubuntu:22.04": repository name must be lowercase');
    expect(existsSync(join(dir, 'image-lock.json'))).toBe(false);
    expect((await cli(dir, 'lock', '--frobnicate')).code).toBe(2);
    expect((await cli(dir, 'lock', '--mutable', 'sometimes', '--image', 'x')).stderr).toContain('invalid mutable level "sometimes"');
    expect((await cli(dir, 'launch')).code).toBe(2);
  });

  test('a registry failure exits 3 and leaves the old lockfile untouched', async () => {
    const dir = await workspace();
    await cli(dir, 'lock', '--image', `${host}/multi/app:1.0`);
    const before = await readFile(join(dir, 'image-lock.json'), 'utf8');
    const result = await cli(dir, 'lock', '--image', `${host}/multi/app:1.0`, '--image', `${host}/multi/app:missing`);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('multi/app');
    expect(result.stderr).toContain('HTTP 404');
    expect(await readFile(join(dir, 'image-lock.json'), 'utf8')).toBe(before);
  });

  test('--json prints one JSON document with what was resolved', async () => {
    const dir = await workspace();
    const result = await cli(dir, 'lock', '--image', `${host}/multi/app`, '--json');
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ command: 'lock', lockfile: 'image-lock.json', changed: true });
    expect(report.images[0]).toMatchObject({ reference: `${host}/multi/app:latest`, digest: fixture('multi/app:latest').digest });
    expect(report.findings.map((f: { rule: string }) => f.rule).sort()).toEqual(['latest', 'mutable']);
    const failed = await cli(dir, 'lock', '--image', 'UPPER', '--json');
    expect(JSON.parse(failed.stdout)).toEqual({ error: expect.stringContaining('UPPER'), exitCode: 2 });
  });

  test('the bundled CLI runs the same', async () => {
    const dir = await workspace();
    const result = await bundledCli(dir, ['lock', '--image', `${host}/multi/app:1.0`]);
    expect(result.stderr).toContain('resolving 1 image reference');
    expect(result.code).toBe(0);
    expect(JSON.parse(await readFile(join(dir, 'image-lock.json'), 'utf8')).images[`${host}/multi/app:1.0`].digest).toBe(
      fixture('multi/app:1.0').digest
    );
    expect((await bundledCli(dir, ['lock', '--image', 'a b'])).code).toBe(2);
  });
});
