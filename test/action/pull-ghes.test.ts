// The action's pre-pull on a GitHub Enterprise Server runner: the bundled main and post
// entries against the cache service stand-in speaking only v1 (the REST API GHES runs;
// GITHUB_SERVER_URL names another host than github.com, so @actions/cache picks v1 too),
// and a real Docker daemon (the classic store, as GHES runners run it).
import { copyFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { startCacheService, type CacheService } from '../env/cache-service.js';
import { dockerDaemon, stopDockerDaemon, type DockerDaemon } from '../env/docker-daemon.js';
import { loadTestEnv } from '../env/env.js';
import { baseLayer } from '../env/fixtures.js';
import { tarLayer } from '../env/layers.js';
import { workspace } from '../cli/helpers.js';
import { startBlobProxy, type BlobProxy } from '../pull/helpers/blob-proxy.js';
import { pushTestImage, type PushedImage } from '../pull/helpers/locked-images.js';
import { scratchDirs } from '../pull/helpers/scratch.js';
import { runJob } from './run-action.js';

const scratch = scratchDirs();
const registry = loadTestEnv().registries.anonymous;
let daemon: DockerDaemon;
let service: CacheService;
let proxy: BlobProxy;

beforeAll(async () => {
  daemon = await dockerDaemon('classic');
  service = await startCacheService({ protocol: 'v1' });
  proxy = await startBlobProxy({ target: registry.url });
}, 120_000);
afterAll(async () => {
  await proxy?.stop();
  await Promise.all([stopDockerDaemon(), service?.stop()]);
}, 60_000);

/** One job on a fresh runner (an empty RUNNER_TEMP store, the images not in the daemon): main then post. */
async function job(dir: string, images: Record<string, PushedImage>, inputs: Record<string, string>, env: Record<string, string>) {
  await rm(join(service.env.RUNNER_TEMP, 'image-lock-layers'), { recursive: true, force: true });
  await daemon.docker(['rmi', ...Object.keys(images)]);
  const { main, post } = await runJob(dir, { pull: 'true', images: Object.keys(images).join('\n'), ...inputs }, env);
  for (const [reference, pushed] of Object.entries(images))
    expect((await daemon.docker(['image', 'inspect', '--format', '{{.Id}}', reference])).stdout.toString().trim()).toBe(
      pushed.image.config.digest
    );
  return { main, post };
}

test('on GHES the layers go to the v1 cache service: read-only saves nothing, then a job saves, and the next loads from it alone', async () => {
  const base = await baseLayer();
  const images: Record<string, PushedImage> = {};
  for (const name of ['one', 'two']) {
    const top = await tarLayer([{ name: `srv/${name}.txt`, content: `ghes ${name}\n`.repeat(1000) }]);
    images[`${proxy.url.slice('http://'.length)}/action-pull-ghes/${name}:1`] = await pushTestImage(
      registry.url,
      `action-pull-ghes/${name}`,
      '1',
      [base, top]
    );
  }
  const env = {
    ...service.env,
    DOCKER_HOST: daemon.dockerHost,
    RUNNER_TOOL_CACHE: scratch('tool-cache'),
    RUNNER_ENVIRONMENT: 'github-hosted'
  };

  // A read-only cache (a fork's pull request): restored from, never written, and no warning.
  const first = await workspace();
  const readOnly = await job(first, images, {}, { ...env, ACTIONS_CACHE_MODE: 'read' });
  expect(readOnly.main.code).toBe(0);
  expect(readOnly.main.outputs['cache-hit']).toBe('false');
  expect(readOnly.post.code).toBe(0);
  expect(readOnly.post.stdout).toContain('nothing to save');
  for (const run of [readOnly.main, readOnly.post]) expect(run.stdout).not.toMatch(/::(warning|error)::/);
  expect(service.entries()).toEqual([]);

  const cold = await job(first, images, { mode: 'verify', drift: 'ignore' }, env);
  expect(cold.main.code).toBe(0);
  expect(cold.main.stdout).not.toMatch(/::(warning|error)::/);
  expect(cold.post.stdout).toMatch(/saved 4 entries \(\d+ bytes: 3 layer\(s\) and the index image-lock-v2-linux-amd64-[a-f0-9]{32}\)/);
  const entries = service.entries();
  expect(entries).toHaveLength(4);
  expect(entries.at(-1)!.key).toMatch(/^image-lock-v2-linux-amd64-[a-f0-9]{32}$/);

  // The registry gone: the next job's images come from the cache alone.
  await proxy.stop();
  const second = await workspace();
  await copyFile(join(first, 'image-lock.json'), join(second, 'image-lock.json'));
  const warm = await job(second, images, { mode: 'verify', drift: 'ignore' }, env);
  expect(warm.main.stdout).not.toMatch(/::(warning|error)::/);
  expect(warm.main.code).toBe(0);
  expect(warm.main.outputs['cache-hit']).toBe('true');
  expect(warm.main.summary).toContain(`Restored from: Actions cache (exact, <code>${entries.at(-1)!.key}</code>`);
  expect(warm.post.stdout).toContain('nothing to save');
  expect(service.entries()).toHaveLength(4);
});
