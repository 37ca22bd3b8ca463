// The fault suite: kill -9 of pull, lock, pin and update at several moments, then a rerun that
// succeeds with nothing corrupt; a full disk (a real 8 MiB tmpfs) at several moments of a
// throttled download; a blob that stalls mid-body; two processes on one store and on one
// lockfile. The bundled CLI
// runs in child processes, as users run it.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadTestEnv } from '../env/env.js';
import { buildImage, pushImage } from '../env/image.js';
import { randomLayer, type Layer } from '../env/layers.js';
import { AMD64 } from '../env/fixtures.js';
import { bundledCli, workspace } from '../cli/helpers.js';
import { pushRelease, twoPlatforms, type Release } from '../cli/releases.js';
import { startBlobProxy } from '../pull/helpers/blob-proxy.js';
import { scratchDirs } from '../pull/helpers/scratch.js';
import { fillDisk, mountTmpfs, useUpInodes } from '../fs/tmpfs.js';
import { killedCli, STACK_FRAME, storeState, type KillMoment } from './child.js';
import { startShapedProxy, type ShapedProxy } from './shaped-proxy.js';

const env = loadTestEnv();
const scratch = scratchDirs();
const LAYER_BYTES = 2_500_000;
/** Slow enough that a kill or a full disk lands mid-download, fast enough to keep the suite short. */
const THROTTLE = 4_000_000;
let proxy: ShapedProxy;
let image: string;
let layers: Layer[];
const figures = {
  runs: 0,
  kills: 0,
  partialLeft: 0,
  enospcPoints: 0,
  stalledBlobPullSeconds: 0,
  stalledManifestPullSeconds: 0,
  filesNewAfterUpdateKill: [] as number[]
};

beforeAll(async () => {
  layers = await Promise.all(
    ['one', 'two'].map((seed) => randomLayer(join(scratch('fault-layer'), 'layer.tgz'), LAYER_BYTES, `faults-${seed}`))
  );
  await pushImage({ url: env.registries.anonymous.url }, 'faults/big', buildImage({ platform: AMD64, layers }), ['1.0']);
  proxy = await startShapedProxy({ targetPort: Number(env.registries.anonymous.host.split(':')[1]), bytesPerSecond: THROTTLE });
  image = `${proxy.host}/faults/big:1.0`;
}, 60_000);
afterAll(async () => {
  await proxy.stop();
  // The figures the note gives.
  console.log(`fault suite: ${JSON.stringify(figures)}`);
});

async function lockedWorkspace(files: Record<string, string> = {}): Promise<string> {
  const dir = await workspace(files);
  const locked = await bundledCli(dir, ['lock', '--image', image]);
  expect(locked.code).toBe(0);
  return dir;
}

const run = async (dir: string, args: string[]) => {
  figures.runs++;
  return bundledCli(dir, args);
};

describe('kill -9, then a rerun', () => {
  // A moment is a delay after the first partial blob appears: at once, inside the first
  // layer, in the second (the throttled registry takes over a second for both).
  test.each([0, 200, 500])('of pull %i ms into its downloads leaves no corrupt blob, and the rerun clears its partial ones', async (ms) => {
    const dir = await lockedWorkspace();
    const cache = scratch('fault-store');
    await mkdir(join(cache, 'blobs', 'sha256'), { recursive: true });
    const moment = { dir: join(cache, 'blobs', 'sha256'), name: /^\.ingest-/, delayMs: ms };
    const { killed } = await killedCli(dir, ['pull', '--no-load', '--cache-dir', cache], moment);
    expect(killed).toBe(true);
    figures.kills++;
    const after = await storeState(cache);
    figures.partialLeft += after.partial.length;
    expect(after.corrupt).toEqual([]);
    const rerun = await run(dir, ['pull', '--no-load', '--cache-dir', cache, '--json']);
    expect(rerun.code).toBe(0);
    expect(await storeState(cache)).toEqual({ blobs: 4, corrupt: [], partial: [] });
  });

  // The moment the issue found: the temporary lockfile written, not yet renamed.
  test.each([0, 1, 5])(
    'of lock %i ms after its temporary lockfile appears leaves the old lockfile or the new one, and no temporary file after a rerun',
    async (ms) => {
      const dir = await workspace({ 'image-lock.json': '{"lockfileVersion": 1, "images": {}}\n' });
      await killedCli(dir, ['lock', '--image', image], { dir, name: /^\.image-lock\.json\..*\.tmp$/, delayMs: ms });
      figures.kills++;
      const text = await readFile(join(dir, 'image-lock.json'), 'utf8');
      expect(() => JSON.parse(text) as unknown).not.toThrow();
      expect((await run(dir, ['lock', '--image', image])).code).toBe(0);
      expect(await readdir(dir)).toEqual(['image-lock.json']);
    }
  );

  // Moments after pin starts writing its first file (of four).
  test.each([0, 2, 10])('of pin %i ms into its writes leaves each file whole, and the rerun pins and verifies', async (ms) => {
    const files = Object.fromEntries(['a', 'b', 'c', 'd'].map((name) => [`${name}/Dockerfile`, `FROM ${image} AS ${name}\n`]));
    const dir = await workspace(files);
    await killedCli(dir, ['pin'], { dir: join(dir, 'a'), name: /^\.Dockerfile\./, delayMs: ms });
    figures.kills++;
    for (const path of Object.keys(files)) {
      expect(await readFile(join(dir, path), 'utf8')).toMatch(
        new RegExp(`^FROM ${image.replace(/[.]/g, '\\.')}(@sha256:[a-f0-9]{64})? AS [a-d]\\n$`)
      );
    }
    expect((await run(dir, ['pin'])).code).toBe(0);
    expect((await run(dir, ['verify', '--mutable', 'error'])).code).toBe(0);
    for (const name of ['a', 'b', 'c', 'd']) expect(await readdir(join(dir, name))).toEqual(['Dockerfile']);
  });
});

describe('kill -9 of update, then a rerun', () => {
  const NAMES = ['a', 'b', 'c', 'd'];
  let old: Release;
  let moved: Release;
  beforeAll(async () => {
    old = await pushRelease('faults/moving', '1.0', twoPlatforms('moving amd64 1', 'moving arm64 1'));
    moved = await pushRelease('faults/moving', '1.0', twoPlatforms('moving amd64 2', 'moving arm64 2'));
  });

  /** When to kill, given the workspace and `request`: the moment the registry's proxy first sees such a request. */
  type UpdateMoment = (dir: string, request: (method: string, path: RegExp) => Promise<void>) => KillMoment;
  const moments: [string, UpdateMoment][] = [
    ['its HEAD of the tag reaches the registry', (_dir, request) => ({ when: request('HEAD', /\/manifests\/1\.0$/), delayMs: 0 })],
    ['its first GET by digest reaches the registry', (_dir, request) => ({ when: request('GET', /\/manifests\/sha256:/), delayMs: 0 })],
    ['its first file rewrite starts', (dir) => ({ dir: join(dir, 'a'), name: /^\.Dockerfile\./, delayMs: 0 })],
    ['15 ms into its file rewrites', (dir) => ({ dir: join(dir, 'a'), name: /^\.Dockerfile\./, delayMs: 15 })],
    ['its temporary lockfile appears', (dir) => ({ dir, name: /^\.image-lock\.json\..*\.tmp$/, delayMs: 0 })]
  ];

  test.each(moments)('when %s leaves each file old or new, the lockfile whole; the rerun updates and verifies', async (_moment, moment) => {
    const waiting: { method: string; path: RegExp; reached: () => void }[] = [];
    const proxy = await startBlobProxy({
      target: env.registries.anonymous.url,
      onRequest: (method, path) => waiting.filter((w) => w.method === method && w.path.test(path)).forEach((w) => w.reached())
    });
    const request = (method: string, path: RegExp) => new Promise<void>((reached) => waiting.push({ method, path, reached }));
    try {
      const ref = `${new URL(proxy.url).host}/faults/moving:1.0`;
      const line = (name: string, digest: string) => `FROM ${ref}@${digest} AS ${name}\n`;
      const dir = await workspace(Object.fromEntries(NAMES.map((name) => [`${name}/Dockerfile`, line(name, old.digest)])));
      expect((await run(dir, ['lock'])).code).toBe(0);

      const { killed } = await killedCli(dir, ['update'], moment(dir, request));
      if (killed) figures.kills++;
      const files = await Promise.all(NAMES.map((name) => readFile(join(dir, name, 'Dockerfile'), 'utf8')));
      NAMES.forEach((name, i) => expect([line(name, old.digest), line(name, moved.digest)]).toContain(files[i]));
      figures.filesNewAfterUpdateKill.push(files.filter((text) => text.includes(moved.digest)).length);
      const lockfile = await readFile(join(dir, 'image-lock.json'), 'utf8');
      expect(() => JSON.parse(lockfile) as unknown).not.toThrow();

      expect((await run(dir, ['update'])).code).toBe(0);
      for (const name of NAMES) expect(await readFile(join(dir, name, 'Dockerfile'), 'utf8')).toBe(line(name, moved.digest));
      expect((await run(dir, ['verify', '--mutable', 'error', '--drift', 'error'])).code).toBe(0);
      expect(await readFile(join(dir, 'image-lock.json'), 'utf8')).not.toContain(old.digest);
      expect((await readdir(dir)).sort()).toEqual([...NAMES, 'image-lock.json']);
      for (const name of NAMES) expect(await readdir(join(dir, name))).toEqual(['Dockerfile']);
    } finally {
      await proxy.stop();
    }
  });
});

describe('a full disk', () => {
  // Free space left on the 8 MiB store when the pull starts: it runs out in the first
  // layer, in the second, or before any blob (the store itself cannot be made).
  test.each([1_000_000, 3_500_000, 0])(
    'with %i bytes free is exit 2 naming the store, no stack trace, no partial blob left',
    async (free) => {
      const dir = await lockedWorkspace();
      const disk = await mountTmpfs(8 << 20);
      try {
        await fillDisk(disk.dir, free);
        figures.enospcPoints++;
        const result = await run(dir, ['pull', '--no-load', '--cache-dir', join(disk.dir, 'store'), '--json']);
        expect(result.code).toBe(2);
        expect(JSON.parse(result.stdout)).toEqual({ error: expect.stringContaining('no space left on the device (ENOSPC)'), exitCode: 2 });
        expect(result.stderr).toContain(`the blob store ${join(disk.dir, 'store')}`);
        expect(result.stderr).not.toMatch(STACK_FRAME);
        const state = await storeState(join(disk.dir, 'store'));
        expect(state).toMatchObject({ corrupt: [], partial: [] });
        await rm(join(disk.dir, 'filler'));
        expect((await run(dir, ['pull', '--no-load', '--cache-dir', join(disk.dir, 'store')])).code).toBe(0);
        expect(await storeState(join(disk.dir, 'store'))).toEqual({ blobs: 4, corrupt: [], partial: [] });
      } finally {
        await disk.unmount();
      }
    }
  );

  test('when the lockfile is written is exit 2 naming it, the old lockfile whole', async () => {
    // No inode left: blocks are free, so the check before the network passes and the write fails.
    const disk = await mountTmpfs(1 << 20, undefined, 'nr_inodes=32');
    try {
      const old = '{"lockfileVersion": 1, "images": {}}\n';
      await writeFile(join(disk.dir, 'image-lock.json'), old);
      await useUpInodes(disk.dir);
      figures.enospcPoints++;
      const result = await run(disk.dir, ['lock', '--image', image]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('image-lock: cannot write the lockfile image-lock.json: no space left on the device (ENOSPC)\n');
      expect(await readFile(join(disk.dir, 'image-lock.json'), 'utf8')).toBe(old);
      expect((await readdir(disk.dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    } finally {
      await disk.unmount();
    }
  });
});

describe('a blob that stalls mid-body', () => {
  const TIMEOUT_S = 2;
  const stallingRegistry = (stalls?: number) =>
    startBlobProxy({ target: env.registries.anonymous.url, stallAfter: { [layers[0].digest]: 1_000_000 }, stalls });

  test('every time fails the pull with exit 3 naming the host and the stall, after one retry, no partial blob left', async () => {
    const stalling = await stallingRegistry();
    try {
      const host = new URL(stalling.url).host;
      const dir = await workspace();
      expect((await run(dir, ['lock', '--image', `${host}/faults/big:1.0`])).code).toBe(0);
      const cache = scratch('fault-stall-store');
      const started = Date.now();
      const result = await run(dir, ['pull', '--no-load', '--cache-dir', cache, '--timeout', String(TIMEOUT_S)]);
      const seconds = (Date.now() - started) / 1000;
      figures.stalledBlobPullSeconds = seconds;
      expect(result.code).toBe(3);
      expect(result.stderr).toContain(`${host} stalled: no byte for ${TIMEOUT_S} s, 2 times`);
      expect(result.stderr).not.toMatch(STACK_FRAME);
      expect(stalling.blobGets(layers[0].digest)).toHaveLength(2);
      // Two stalls (each up to half a second late: undici's coarse timers), the start-up and
      // the other layer take about 2.8x, with room for a busy machine; a resume per stall took over 10x.
      expect(seconds).toBeLessThan(5 * TIMEOUT_S);
      expect((await storeState(cache)).partial).toEqual([]);
    } finally {
      await stalling.stop();
    }
  });

  test('once is taken up where it stopped, and the pull succeeds', async () => {
    const stalling = await stallingRegistry(1);
    try {
      const host = new URL(stalling.url).host;
      const dir = await workspace();
      expect((await run(dir, ['lock', '--image', `${host}/faults/big:1.0`])).code).toBe(0);
      const cache = scratch('fault-stall-store');
      expect((await run(dir, ['pull', '--no-load', '--cache-dir', cache, '--timeout', String(TIMEOUT_S)])).code).toBe(0);
      expect(stalling.blobGets(layers[0].digest).map((get) => get.status)).toEqual([200, 206]);
      expect(await storeState(cache)).toEqual({ blobs: 4, corrupt: [], partial: [] });
    } finally {
      await stalling.stop();
    }
  });
});

test('a manifest that never gets its headers fails the pull with exit 3 naming the host and the stall, after one retry', async () => {
  // Answers the API check and nothing else: a registry that took the request and went quiet.
  const manifestGets: string[] = [];
  const silent = createServer((request, response) => {
    if (request.url === '/v2/') return response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    if (request.url?.includes('/manifests/')) manifestGets.push(request.url);
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  try {
    const host = `127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const dir = await lockedWorkspace();
    // The same image as the silent registry would serve it: digests do not depend on the host.
    const lockfile = await readFile(join(dir, 'image-lock.json'), 'utf8');
    await writeFile(join(dir, 'image-lock.json'), lockfile.replaceAll(proxy.host, host));
    const started = Date.now();
    const result = await run(dir, ['pull', '--no-load', '--cache-dir', scratch('fault-stall-store'), '--timeout', '2']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`${host} stalled: no byte for 2 s, 2 times`);
    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(manifestGets).toHaveLength(2);
    figures.stalledManifestPullSeconds = (Date.now() - started) / 1000;
    // About 2.7x the timeout here; a generous bound, as above.
    expect(figures.stalledManifestPullSeconds).toBeLessThan(10);
  } finally {
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
  }
});

describe('two processes at once', () => {
  test('on one store: both pulls succeed, the store sound', async () => {
    const dir = await lockedWorkspace();
    const cache = scratch('fault-shared-store');
    const results = await Promise.all([1, 2].map(() => run(dir, ['pull', '--no-load', '--cache-dir', cache])));
    expect(results.map((result) => result.code)).toEqual([0, 0]);
    expect(await storeState(cache)).toEqual({ blobs: 4, corrupt: [], partial: [] });
  });

  test('on one lockfile: both locks succeed, the lockfile whole and what one lock writes', async () => {
    const dir = await workspace({ Dockerfile: `FROM ${image}\n` });
    const results = await Promise.all([1, 2].map(() => run(dir, ['lock'])));
    expect(results.map((result) => result.code)).toEqual([0, 0]);
    const both = await readFile(join(dir, 'image-lock.json'), 'utf8');
    expect((await run(dir, ['lock'])).code).toBe(0);
    expect(await readFile(join(dir, 'image-lock.json'), 'utf8')).toBe(both);
    expect((await readdir(dir)).sort()).toEqual(['Dockerfile', 'image-lock.json']);
  });
});
