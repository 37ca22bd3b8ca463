// The cache-service fixture drives the real @actions/cache end to end: tar + zstd on
// this machine, either protocol (v2 Twirp as on github.com, v1 REST as on GitHub
// Enterprise Server), and uploads/downloads through azurite.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCacheService, type CacheProtocolVersion, type CacheService } from './env/cache-service.js';

type ActionsCache = typeof import('@actions/cache');

describe.each<CacheProtocolVersion>(['v2', 'v1'])('@actions/cache against the stand-in speaking %s', (protocol) => {
  let service: CacheService;
  let cache: ActionsCache;
  let root: string;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    service = await startCacheService({ protocol });
    Object.assign(process.env, service.env);
    // @actions/cache reads its env at call time, but import it only after the env is
    // set anyway, so nothing it might read at import time sees the outer environment.
    cache = await import('@actions/cache');
    root = await mkdtemp(join(tmpdir(), 'cache-service-test-'));
  });

  afterAll(async () => {
    process.env = savedEnv;
    await service?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  // Each workspace is its own GITHUB_WORKSPACE: tar stores paths relative to it and
  // restore extracts into it. The cache version hashes the path strings as passed,
  // so a restore must pass the same strings as the save did.
  async function workspace(name: string, files: Record<string, Buffer> = {}): Promise<string> {
    const dir = join(root, name);
    for (const [file, bytes] of Object.entries(files)) {
      await mkdir(join(dir, file, '..'), { recursive: true });
      await writeFile(join(dir, file), bytes);
    }
    await mkdir(dir, { recursive: true });
    return dir;
  }

  // @actions/core logs with process.stdout.write; capture it to see what the user sees.
  async function captureStdout<T>(fn: () => Promise<T>): Promise<{ result: T; output: string }> {
    const write = process.stdout.write.bind(process.stdout);
    let output = '';
    process.stdout.write = (chunk: string | Uint8Array) => {
      output += chunk.toString();
      return true;
    };
    try {
      return { result: await fn(), output };
    } finally {
      process.stdout.write = write;
    }
  }

  async function save(ws: string, paths: string[], key: string) {
    process.env['GITHUB_WORKSPACE'] = ws;
    return captureStdout(() => cache.saveCache(paths, key));
  }

  async function restore(ws: string, paths: string[], key: string, restoreKeys?: string[]) {
    process.env['GITHUB_WORKSPACE'] = ws;
    return captureStdout(() => cache.restoreCache(paths, key, restoreKeys));
  }

  const files = {
    'data/a.bin': randomBytes(300_000),
    'data/nested/b.txt': Buffer.from('hello cache\n')
  };

  test('saveCache then restoreCache with the exact key restores the same bytes elsewhere', async () => {
    const source = await workspace('exact-src', files);
    const paths = [join(source, 'data')];
    const saved = await save(source, paths, 'exact-linux-1');
    expect(saved.result).toBeGreaterThan(0);
    expect(service.entries()).toContainEqual(expect.objectContaining({ key: 'exact-linux-1' }));

    const target = await workspace('exact-dst');
    const restored = await restore(target, paths, 'exact-linux-1');
    expect(restored.result).toBe('exact-linux-1');
    // Only the v2 client names the key it matched; the result says it for both.
    if (protocol === 'v2') expect(restored.output).toContain('Cache hit for: exact-linux-1');
    for (const [file, bytes] of Object.entries(files)) {
      expect((await readFile(join(target, file))).equals(bytes)).toBe(true);
    }
  });

  test('a restore key prefix gives a partial hit on the newest matching entry', async () => {
    const source = await workspace('partial-src', files);
    const paths = [join(source, 'data')];
    expect((await save(source, paths, 'partial-linux-old')).result).toBeGreaterThan(0);
    await writeFile(join(source, 'data/nested/b.txt'), 'newer\n');
    expect((await save(source, paths, 'partial-linux-new')).result).toBeGreaterThan(0);

    const target = await workspace('partial-dst');
    const restored = await restore(target, paths, 'partial-linux-missing-key', ['partial-linux-']);
    expect(restored.result).toBe('partial-linux-new');
    if (protocol === 'v2') expect(restored.output).toContain('Cache hit for restore-key: partial-linux-new');
    expect(await readFile(join(target, 'data/nested/b.txt'), 'utf8')).toBe('newer\n');
  });

  test('a miss returns undefined, also for a key saved under different paths (version)', async () => {
    const source = await workspace('miss-src', files);
    expect((await save(source, [join(source, 'data')], 'miss-linux')).result).toBeGreaterThan(0);

    const target = await workspace('miss-dst');
    expect((await restore(target, [join(source, 'data')], 'nothing-here', ['nothing-'])).result).toBeUndefined();
    // Same key, other paths: a different version, so no hit.
    expect((await restore(target, [join(source, 'data/nested')], 'miss-linux')).result).toBeUndefined();
  });

  test('saving an existing key is refused like the real service (ReserveCacheError, -1)', async () => {
    const source = await workspace('twice-src', files);
    const paths = [join(source, 'data')];
    expect((await save(source, paths, 'twice-linux')).result).toBeGreaterThan(0);
    const again = await save(source, paths, 'twice-linux');
    // saveCacheV2 (and V1) catch the ReserveCacheError, logs it with core.info and returns -1.
    expect(again.result).toBe(-1);
    expect(again.output).toContain('Failed to save: Unable to reserve cache with key twice-linux');
    expect(service.entries().filter((e) => e.key === 'twice-linux')).toHaveLength(1);
  });
});
