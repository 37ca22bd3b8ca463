// The action's pre-pull end to end: the bundled main and post entries, the real
// @actions/cache against the local cache service, the real tool cache layout, a real
// Docker daemon. Each test reaches the registry through a proxy of its own, so stopping
// the proxy makes the registry unreachable for that test alone.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { copyFile, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { startCacheService, type CacheService } from '../env/cache-service.js';
import { IMAGE_STORES, dockerDaemon, stopDockerDaemon, type DockerDaemon } from '../env/docker-daemon.js';
import { loadTestEnv } from '../env/env.js';
import { baseLayer } from '../env/fixtures.js';
import { tarLayer } from '../env/layers.js';
import { workspace } from '../cli/helpers.js';
import { startBlobProxy, type BlobProxy } from '../pull/helpers/blob-proxy.js';
import { pushTestImage, type PushedImage } from '../pull/helpers/locked-images.js';
import { scratchDirs } from '../pull/helpers/scratch.js';
import { runAction, runJob } from './run-action.js';

const scratch = scratchDirs();
const registry = loadTestEnv().registries.anonymous;

interface TestImages {
  proxy: BlobProxy;
  /** The references, through the proxy, and what was pushed for each. */
  images: Record<string, PushedImage>;
}

describe.each(IMAGE_STORES)('the action with pull: true, %s image store', (imageStore) => {
  let daemon: DockerDaemon;
  let service: CacheService;
  const proxies: BlobProxy[] = [];
  const imageId = async (name: string) => (await daemon.docker(['image', 'inspect', '--format', '{{.Id}}', name])).stdout.toString().trim();

  /** Two images sharing the base layer, pushed under `prefix`, reached through a fresh proxy. */
  async function pushImages(prefix: string): Promise<TestImages> {
    const proxy = await startBlobProxy({ target: registry.url });
    proxies.push(proxy);
    const base = await baseLayer();
    const images: Record<string, PushedImage> = {};
    for (const name of ['one', 'two']) {
      const top = await tarLayer([{ name: `srv/${name}.txt`, content: `${prefix} ${name}\n`.repeat(1000) }]);
      images[`${proxy.url.slice('http://'.length)}/${prefix}/${name}:1`] = await pushTestImage(registry.url, `${prefix}/${name}`, '1', [
        base,
        top
      ]);
    }
    return { proxy, images };
  }

  /** One job: main then post, on a fresh runner (an empty RUNNER_TEMP store, images not in the daemon). */
  const job = (dir: string, inputs: Record<string, string>, env: Record<string, string>) => runJob(dir, { pull: 'true', ...inputs }, env);

  async function freshRunner(runnerTemp: string, { images }: TestImages): Promise<void> {
    await rm(join(runnerTemp, 'image-lock-layers'), { recursive: true, force: true });
    await daemon.docker(['rmi', ...Object.keys(images)]);
  }

  async function expectLoaded({ images }: TestImages): Promise<void> {
    // The classic store's image ID is the config digest, the containerd store's the manifest's (the locked target).
    for (const [reference, pushed] of Object.entries(images))
      expect(await imageId(reference)).toBe((imageStore === 'classic' ? pushed.image.config : pushed.image.manifest).digest);
  }

  beforeAll(async () => {
    // One after the other: test/env/proc.ts's run() crashes on EPIPE when a `docker version`
    // probe exits before its empty stdin is written, which a busy event loop makes likely.
    daemon = await dockerDaemon(imageStore);
    service = await startCacheService();
  }, 120_000);
  afterAll(async () => {
    await Promise.all(proxies.map((proxy) => proxy.stop()));
    await Promise.all([stopDockerDaemon(), service?.stop()]);
  }, 60_000);

  test('saves the layers to the Actions cache, then loads them from it alone with the registry unreachable', async () => {
    const pushed = await pushImages(`action-pull/${imageStore}/actions-cache`);
    const references = Object.keys(pushed.images);
    const env = {
      ...service.env,
      DOCKER_HOST: daemon.dockerHost,
      RUNNER_TOOL_CACHE: scratch('tool-cache'),
      RUNNER_ENVIRONMENT: 'github-hosted'
    };
    const first = await workspace();
    const cold = await job(first, { images: references.join('\n') }, env);
    expect(cold.main.stdout).not.toContain('::error');
    expect(cold.main.code).toBe(0);
    expect(cold.main.outputs['cache-hit']).toBe('false');
    await expectLoaded(pushed);
    expect(cold.post.code).toBe(0);
    // One entry per layer (the shared base once), then the configuration's index.
    expect(cold.post.stdout).toMatch(/saved 4 entries \(\d+ bytes: 3 layer\(s\) and the index image-lock-v2-linux-amd64-[a-f0-9]{32}\)/);
    const entries = service.entries();
    expect(entries).toHaveLength(4);
    expect(entries.at(-1)!.key).toMatch(/^image-lock-v2-linux-amd64-[a-f0-9]{32}$/);
    // Nothing is kept in the tool cache of a runner that is thrown away after the job.
    expect(await readdir(env.RUNNER_TOOL_CACHE)).toEqual([]);

    await pushed.proxy.stop();
    await freshRunner(service.env.RUNNER_TEMP, pushed);
    const second = await workspace();
    await copyFile(join(first, 'image-lock.json'), join(second, 'image-lock.json'));
    const warm = await job(second, { mode: 'verify', drift: 'ignore', images: references.join('\n') }, env);
    expect(warm.main.stdout).not.toContain('::error');
    expect(warm.main.code).toBe(0);
    expect(warm.main.outputs['cache-hit']).toBe('true');
    await expectLoaded(pushed);
    expect(warm.main.summary).toContain('<h2>image-lock pull</h2>');
    expect(warm.main.summary).toMatch(/2 image\(s\) for <code>linux\/amd64<\/code>: cache hit/);
    expect(warm.main.summary).toMatch(new RegExp(`<td><code>${references[0]}</code></td><td>hit</td><td>[\\d.]+ kB</td><td>0 B</td>`));
    expect(warm.main.summary).toMatch(/Time: restore [\d.]+ m?s, fetch [\d.]+ m?s, load [\d.]+ m?s/);
    expect(warm.main.summary).toContain(`Restored from: Actions cache (exact, <code>${entries.at(-1)!.key}</code>`);
    // Nothing new was fetched: nothing to save.
    expect(warm.post.stdout).toContain('nothing to save');
    expect(service.entries()).toHaveLength(4);
  });

  test('another configuration sharing the base layer restores it (partial) and saves only its own layer and index', async () => {
    const pushed = await pushImages(`action-pull/${imageStore}/partial`);
    const [one, two] = Object.keys(pushed.images) as [string, string];
    const env = {
      ...service.env,
      DOCKER_HOST: daemon.dockerHost,
      RUNNER_TOOL_CACHE: scratch('tool-cache'),
      RUNNER_ENVIRONMENT: 'github-hosted'
    };
    const store = join(service.env.RUNNER_TEMP, 'image-lock-layers');
    const first = await job(await workspace(), { images: one }, env);
    // The base layer may be the previous test's entry already: then only `one`'s own layer is new.
    expect(first.post.stdout).toMatch(/saved [23] entries \(\d+ bytes: [12] layer\(s\) and the index/);
    const firstKey = service.entries().at(-1)!.key;

    await freshRunner(service.env.RUNNER_TEMP, { ...pushed, images: { [one]: pushed.images[one] } });
    const second = await job(await workspace(), { images: two }, env);
    expect(second.main.outputs['cache-hit']).toBe('partial');
    expect(second.main.summary).toMatch(/Restored from: Actions cache \(partial, [\d.]+ m?s\)/);
    expect(second.post.stdout).toMatch(/saved 2 entries \(\d+ bytes: 1 layer\(s\) and the index/);
    // The job's store held only what it pulled: the shared base from the cache, and `two`'s own blobs.
    const { entry } = pushed.images[two];
    const image = pushed.images[two].image;
    const expected = [entry.digest, image.config.digest, ...image.layers.map((layer) => layer.digest)]
      .map((digest) => digest.slice(7))
      .sort();
    expect((await readdir(join(store, 'blobs', 'sha256'))).sort()).toEqual(expected);
    expect(service.entries().at(-1)!.key).not.toBe(firstKey);
    const base = pushed.images[two].image.layers[0].digest.slice(7);
    expect(service.entries().filter((entry) => entry.key.endsWith(base))).toHaveLength(1);
    await daemon.docker(['rmi', two]);
  });

  test('restores from the tool cache first; a flipped byte there is caught and fetched again, or fails clearly offline without loading its image', async () => {
    const pushed = await pushImages(`action-pull/${imageStore}/tool-cache`);
    const references = Object.keys(pushed.images);
    const toolCache = scratch('tool-cache');
    // No Actions cache service: the tool cache is the only tier.
    const env = {
      DOCKER_HOST: daemon.dockerHost,
      RUNNER_TOOL_CACHE: toolCache,
      RUNNER_ENVIRONMENT: 'self-hosted',
      RUNNER_TEMP: scratch('runner-temp')
    };
    const dir = await workspace();
    const cold = await job(dir, { images: references.join('\n') }, env);
    expect(cold.main.code).toBe(0);
    expect(cold.post.stdout).toMatch(/saved 7 blob\(s\) to the tool cache/);

    // The top layer of `two`, as the tool cache holds it.
    const top = Object.values(pushed.images)[1].image.layers[1].digest;
    const [version] = await readdir(join(toolCache, 'image-lock-layers'));
    const cached = join(toolCache, 'image-lock-layers', version, 'linux-amd64', 'blobs', 'sha256', top.slice(7));
    const flipByte = () => {
      const bytes = readFileSync(cached);
      bytes[100] ^= 0xff;
      writeFileSync(cached, bytes);
    };
    flipByte();
    await freshRunner(env.RUNNER_TEMP, pushed);
    const repaired = await job(dir, { mode: 'verify', drift: 'ignore', images: references.join('\n') }, env);
    expect(repaired.main.code).toBe(0);
    expect(repaired.main.outputs['cache-hit']).toBe('partial');
    expect(repaired.main.summary).toContain(`<code>${top}</code> was corrupt in the cache and was fetched again`);
    expect(repaired.main.summary).toMatch(/Restored from: tool cache \(exact/);
    expect(pushed.proxy.blobGets()).toEqual(expect.arrayContaining([expect.objectContaining({ path: expect.stringContaining(top) })]));
    await expectLoaded(pushed);
    // Something new was fetched, so the tool cache entry is written again, sound.
    expect(repaired.post.stdout).toMatch(/saved 7 blob\(s\) to the tool cache/);
    expect(`sha256:${createHash('sha256').update(readFileSync(cached)).digest('hex')}`).toBe(top);

    flipByte();
    await pushed.proxy.stop();
    await freshRunner(env.RUNNER_TEMP, pushed);
    const offline = await runAction('main', dir, { pull: 'true', mode: 'verify', drift: 'ignore', images: references.join('\n') }, env);
    expect(offline.code).toBe(1);
    expect(offline.stdout).toMatch(
      new RegExp(`::error::layer of ${references[1]} ${top} was corrupt in the cache and could not be fetched: cannot reach`)
    );
    // The image with the corrupt layer never goes in; the other, whole before the failure, may be in already, and then sound.
    expect(await imageId(references[1])).toBe('');
    const first = Object.values(pushed.images)[0].image;
    expect(['', (imageStore === 'classic' ? first.config : first.manifest).digest]).toContain(await imageId(references[0]));
  });

  test('pinned references: linked by a daemon pull (classic) or by the load alone (containerd); offline, the summary says which need the registry', async () => {
    const pushed = await pushImages(`action-pull/${imageStore}/pinned`);
    const pinned = Object.entries(pushed.images).map(([reference, { entry }]) => `${reference}@${entry.digest}`);
    const env = { DOCKER_HOST: daemon.dockerHost, RUNNER_TOOL_CACHE: scratch('tool-cache'), RUNNER_ENVIRONMENT: 'self-hosted' };
    const first = await workspace();
    const online = await job(first, { images: pinned.join('\n') }, { ...env, RUNNER_TEMP: scratch('runner-temp') });
    expect(online.main.code).toBe(0);
    expect(online.main.stdout).not.toContain('::warning::');
    if (imageStore === 'classic') expect(online.main.summary).toMatch(/Digest links: 2 pinned reference\(s\) linked by 2 daemon pull\(s\)/);
    expect(online.main.summary).toContain(`Docker image store: ${imageStore}`);
    for (const reference of pinned) expect(await imageId(reference)).not.toBe('');

    // A fresh runner with the registry gone: the images come from the tool cache alone.
    await daemon.docker(['rmi', ...pinned, ...Object.keys(pushed.images)]);
    await pushed.proxy.stop();
    const second = await workspace();
    await copyFile(join(first, 'image-lock.json'), join(second, 'image-lock.json'));
    const offline = await job(
      second,
      { mode: 'verify', drift: 'ignore', images: pinned.join('\n') },
      { ...env, RUNNER_TEMP: scratch('runner-temp') }
    );
    expect(offline.main.code).toBe(0);
    for (const reference of Object.keys(pushed.images)) expect(await imageId(reference)).not.toBe('');
    if (imageStore === 'classic') {
      expect(offline.main.stdout).toMatch(/::warning::2 pinned reference\(s\) will need the registry when used .*containerd-snapshotter/);
      // Each unlinked reference is named once in the step's log (the warning) and once in the summary, in a list that folds.
      const sorted = [...pinned].sort();
      expect(offline.main.stdout.split(sorted.join(', ')).length - 1).toBe(1);
      expect(offline.main.stdout).toContain('Not linked: 2 pinned reference(s), which need the registry when used');
      expect(offline.main.summary).not.toContain(sorted.join(', '));
      expect(offline.main.summary).toMatch(
        /<details open><summary>2 pinned reference\(s\) will need the registry when used \(.*\) \(2\)<\/summary><ul><li><code>/
      );
      for (const reference of pinned) expect(await imageId(reference)).toBe('');
    } else {
      expect(offline.main.stdout).not.toContain('::warning::');
      for (const reference of pinned) expect(await imageId(reference)).not.toBe('');
    }
  });

  test('on a runner without a Docker daemon, says so and skips the pull', async () => {
    const pushed = await pushImages(`action-pull/${imageStore}/no-daemon`);
    const dir = await workspace();
    const run = await runAction(
      'main',
      dir,
      { images: Object.keys(pushed.images).join('\n'), pull: 'true' },
      { DOCKER_HOST: 'unix:///nonexistent/docker.sock' }
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/::warning::image-lock pull skipped: no Docker daemon answers/);
    expect(run.outputs['cache-hit']).toBe('false');
    expect(run.summary).toContain('Skipped: no Docker daemon answers');
    expect(await readFile(join(dir, 'image-lock.json'), 'utf8')).toContain(Object.keys(pushed.images)[0]);
  });
});
