// Loading into the classic image store (the test daemon's): archives side by side with a
// stand-in for the layers they share, layers inflated here, and the fall-back for a
// layer whose gzip trailer does not give its size.
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { DockerDaemon as Daemon } from '../../src/daemon/docker-daemon.js';
import { localDockerSocket } from '../../src/daemon/docker-socket.js';
import { PROCESS_STARTED_MS } from '../../src/fs/temp-files.js';
import { BlobStore } from '../../src/layout/blob-store.js';
import { dockerDaemon, stopDockerDaemon, type DockerDaemon } from '../env/docker-daemon.js';
import { loadTestEnv } from '../env/env.js';
import { baseLayer } from '../env/fixtures.js';
import { OCI_LAYER, sha256, tarLayer, type Layer } from '../env/layers.js';
import { pushTestImage, type PushedImage } from './helpers/locked-images.js';
import { runPull } from './helpers/run-pull.js';
import { scratchDirs } from './helpers/scratch.js';

const scratch = scratchDirs();
const registry = loadTestEnv().registries.anonymous;

/** A layer whose tar is gzip'd in two members, as some tools write them: its trailer gives the second's size only. */
async function twoMemberLayer(): Promise<Layer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (chunk: unknown) => void chunks.push(chunk as Buffer));
  const ended = new Promise<void>((resolve) => pack.on('end', () => resolve()));
  for (const name of ['one', 'two', 'three']) pack.entry({ name: `srv/${name}.txt`, mtime: new Date(0) }, `${name}\n`.repeat(5000));
  pack.finalize();
  await ended;
  const tarBytes = Buffer.concat(chunks);
  const half = Math.floor(tarBytes.length / 1024) * 512;
  const gz = Buffer.concat([gzipSync(tarBytes.subarray(0, half)), gzipSync(tarBytes.subarray(half))]);
  return { mediaType: OCI_LAYER, digest: sha256(gz), size: gz.length, bytes: gz, diffId: sha256(tarBytes) };
}

describe('pullImages into the classic image store', () => {
  let daemon: DockerDaemon;
  const imageId = async (name: string) => (await daemon.docker(['image', 'inspect', '--format', '{{.Id}}', name])).stdout.toString().trim();
  const locked = (images: Record<string, PushedImage>) =>
    Object.fromEntries(Object.entries(images).map(([name, pushed]) => [`${registry.host}/${name}`, pushed.entry]));

  beforeAll(async () => {
    daemon = await dockerDaemon();
  }, 90_000);
  afterAll(() => stopDockerDaemon(), 30_000);

  it('is what the daemon reports', async () => {
    expect(await new Daemon({ env: daemon.env }).status()).toMatchObject({ ready: true, classicStore: true });
  });

  it('loads images that share a base side by side, and leaves no stand-in behind', async () => {
    const base = await baseLayer();
    const images: Record<string, PushedImage> = {};
    for (const name of ['web', 'worker', 'cron']) {
      const top = await tarLayer([{ name: `srv/${name}.txt`, content: `${name}\n`.repeat(20_000) }]);
      images[`classic-load/${name}:1`] = await pushTestImage(registry.url, `classic-load/${name}`, '1', [base, top]);
    }
    const { result } = await runPull({ images: locked(images), store: await BlobStore.open(scratch('pull-store')), dockerEnv: daemon.env });
    expect(result.images.map((image) => image.daemon)).toEqual(['loaded', 'loaded', 'loaded']);
    for (const [name, pushed] of Object.entries(images)) expect(await imageId(`${registry.host}/${name}`)).toBe(pushed.image.config.digest);
    const standIns = await daemon.docker(['images', '--all', '--quiet', '--filter', 'label=io.github.image-lock.stand-in']);
    expect(standIns.stdout.toString()).toBe('');
  });

  it('removes the stand-ins a killed run left in the daemon, and not those of a load going on beside it', async () => {
    // Stand-ins as a run labels them (`<host> <pid> <ms>`), made before this process started.
    const gone = spawn('true');
    await new Promise((resolve) => gone.on('exit', resolve));
    const beside = spawn('sleep', ['60']);
    const made = PROCESS_STARTED_MS - 1000;
    const standIn = async (owner: string) => {
      // An empty tar: its two closing blocks.
      const imported = await daemon.docker(['import', '--change', `LABEL io.github.image-lock.stand-in="${owner}"`, '-'], {
        input: Buffer.alloc(1024)
      });
      return imported.stdout.toString().trim();
    };
    try {
      const killedRuns = await standIn(`${hostname()} ${gone.pid} ${made}`);
      const runBeside = await standIn(`${hostname()} ${beside.pid} ${made}`);
      const pushed = await pushTestImage(registry.url, 'classic-load/after-kill', '1', [
        await baseLayer(),
        await tarLayer([{ name: 'srv/after-kill.txt', content: 'after a kill\n' }])
      ]);
      await runPull({
        images: locked({ 'classic-load/after-kill:1': pushed }),
        store: await BlobStore.open(scratch('pull-store')),
        dockerEnv: daemon.env
      });
      const labelled = await daemon.docker(['images', '--all', '--quiet', '--no-trunc', '--filter', 'label=io.github.image-lock.stand-in']);
      expect(labelled.stdout.toString().trim().split('\n')).toEqual([runBeside]);
      expect(killedRuns).not.toBe(runBeside);
      await daemon.docker(['rmi', runBeside]);
    } finally {
      beside.kill();
    }
  });

  it("fails with the stand-in's own error when the shared layers do not load, and ends the archives waiting on them", async () => {
    // A config that names a wrong diff ID for the base: the daemon refuses the stand-in made of it.
    const base = { ...(await baseLayer()), diffId: sha256(Buffer.from('not the base layer')) };
    const images: Record<string, PushedImage> = {};
    for (const name of ['bad-web', 'bad-worker']) {
      const top = await tarLayer([{ name: `srv/${name}.txt`, content: `${name}\n` }]);
      images[`classic-load/${name}:1`] = await pushTestImage(registry.url, `classic-load/${name}`, '1', [base, top]);
    }
    const imageIds = async () =>
      new Set((await daemon.docker(['images', '--all', '--quiet', '--no-trunc'])).stdout.toString().split('\n').filter(Boolean));
    const before = await imageIds();
    await expect(
      runPull({ images: locked(images), store: await BlobStore.open(scratch('pull-store')), dockerEnv: daemon.env })
    ).rejects.toThrow(/invalid diffID/);
    expect(await imageIds()).toEqual(before);
  });

  it('loads through the docker CLI where only the CLI knows the way (a docker context)', async () => {
    const pushed = await pushTestImage(registry.url, 'classic-load/context', '1', [
      await baseLayer(),
      await tarLayer([{ name: 'srv/context.txt', content: 'context\n' }])
    ]);
    await daemon.docker(['context', 'create', 'image-lock-test', '--docker', `host=${daemon.dockerHost}`]);
    const { DOCKER_HOST: _, ...withoutHost } = daemon.env;
    const throughContext = { ...withoutHost, DOCKER_CONTEXT: 'image-lock-test' };
    expect(await localDockerSocket(throughContext)).toBeUndefined();
    const { result } = await runPull({
      images: locked({ 'classic-load/context:1': pushed }),
      store: await BlobStore.open(scratch('pull-store')),
      dockerEnv: throughContext
    });
    expect(result.images[0].daemon).toBe('loaded');
    expect(await imageId(`${registry.host}/classic-load/context:1`)).toBe(pushed.image.config.digest);
  });

  it('sends a layer as stored when it does not inflate to the size its gzip trailer gives', async () => {
    const pushed = await pushTestImage(registry.url, 'classic-load/members', '1', [await baseLayer(), await twoMemberLayer()]);
    const { result } = await runPull({
      images: locked({ 'classic-load/members:1': pushed }),
      store: await BlobStore.open(scratch('pull-store')),
      dockerEnv: daemon.env
    });
    expect(result.images[0].daemon).toBe('loaded');
    expect(await imageId(`${registry.host}/classic-load/members:1`)).toBe(pushed.image.config.digest);
  });
});
