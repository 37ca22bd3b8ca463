import { pipeline } from 'node:stream/promises';
import { gunzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { BlobStore } from '../../src/layout/blob-store.js';
import { parseReference } from '../../src/name/reference.js';
import type { Descriptor } from '../../src/remote/media-types.js';
import type { ArchiveImage } from '../../src/tarball/archive-image.js';
import { streamLoadArchive, type ClassicArchiveOptions } from '../../src/tarball/load-archive.js';
import { repoTag } from '../../src/tarball/repo-tag.js';
import { IMAGE_STORES, dockerDaemon, stopDockerDaemon, type DockerDaemon } from '../env/docker-daemon.js';
import { buildImage, type BuiltImage } from '../env/image.js';
import { baseLayer } from '../env/fixtures.js';
import { sha256, tarLayer, type Blob } from '../env/layers.js';
import { scratchDirs } from '../pull/helpers/scratch.js';

const scratch = scratchDirs();

const AMD64 = { os: 'linux', architecture: 'amd64' };

/** Two real images sharing a base layer, their blobs written into a fresh store. */
async function storeWithImages(): Promise<{ store: BlobStore; built: BuiltImage[] }> {
  const store = await BlobStore.open(scratch('archive-store'));
  const base = await baseLayer();
  const built: BuiltImage[] = [];
  for (const name of ['one', 'two']) {
    const top = await tarLayer([{ name: `srv/${name}.txt`, content: `image ${name}\n` }]);
    built.push(buildImage({ format: name === 'one' ? 'oci' : 'docker', platform: AMD64, layers: [base, top] }));
  }
  for (const image of built) {
    for (const blob of [image.manifest, image.config, ...image.layers]) {
      const ingest = store.ingest(blob.digest, blob.size);
      await ingest.append([blob.bytes!]);
      await store.commit(ingest);
    }
  }
  return { store, built };
}

const descriptor = (blob: Blob): Descriptor => ({ mediaType: blob.mediaType, digest: blob.digest, size: blob.size });

function archiveImage(image: BuiltImage, names: string[], pinned: string[] = []): ArchiveImage {
  const manifest = { ...descriptor(image.manifest), platform: AMD64 };
  return {
    target: manifest,
    manifest,
    config: descriptor(image.config),
    layers: image.layers.map(descriptor),
    tags: names.map(parseReference),
    pinned: pinned.map(parseReference)
  };
}

/** Every entry of the archive: name -> bytes. */
async function readArchive(images: ArchiveImage[], store: BlobStore, classic?: ClassicArchiveOptions): Promise<Map<string, Buffer>> {
  const entries = new Map<string, Buffer>();
  const extract = tar.extract();
  const reading = (async () => {
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      expect(entries.has(entry.header.name)).toBe(false);
      entries.set(entry.header.name, Buffer.concat(chunks));
    }
  })();
  await Promise.all([pipeline(streamLoadArchive(store, images, { classic }), extract), reading]);
  return entries;
}

describe('repoTag', () => {
  it.each([
    ['nginx:1.25', 'nginx:1.25'],
    ['docker.io/library/nginx:1.25', 'nginx:1.25'],
    ['user/app:1', 'user/app:1'],
    ['docker.io/library/team/app:2', 'library/team/app:2'],
    ['localhost:5000/x:1', 'localhost:5000/x:1'],
    ['ghcr.io/owner/app:3', 'ghcr.io/owner/app:3'],
    ['127.0.0.1:5000/library/app:4', '127.0.0.1:5000/library/app:4']
  ])('writes %s as %s, the way docker save does', (reference, expected) => {
    expect(repoTag(parseReference(reference))).toBe(expected);
  });
});

describe('streamLoadArchive', () => {
  it('holds each blob once, a manifest.json and an OCI index pointing at the same blobs', async () => {
    const { store, built } = await storeWithImages();
    const pinnedTwo = `ghcr.io/o/two:2@${built[1].manifest.digest}`;
    const images = [
      archiveImage(built[0], ['docker.io/library/one:1', 'docker.io/library/one:latest']),
      archiveImage(built[1], ['ghcr.io/o/two:2'], [pinnedTwo])
    ];
    const entries = await readArchive(images, store);

    const blobs = new Set(built.flatMap((image) => [image.manifest, image.config, ...image.layers]).map((blob) => blob.digest));
    expect(blobs.size).toBe(7); // the base layer is shared
    expect([...entries.keys()].sort()).toEqual(
      ['index.json', 'manifest.json', 'oci-layout', ...[...blobs].map((d) => `blobs/sha256/${d.slice(7)}`)].sort()
    );
    for (const image of built) {
      for (const blob of [image.manifest, image.config, ...image.layers]) {
        expect(entries.get(`blobs/sha256/${blob.digest.slice(7)}`)!.equals(blob.bytes!)).toBe(true);
      }
    }
    expect(JSON.parse(entries.get('oci-layout')!.toString())).toEqual({ imageLayoutVersion: '1.0.0' });
    expect(JSON.parse(entries.get('manifest.json')!.toString())).toEqual(
      built.map((image, i) => ({
        Config: `blobs/sha256/${image.config.digest.slice(7)}`,
        RepoTags: i === 0 ? ['one:1', 'one:latest'] : ['ghcr.io/o/two:2'],
        Layers: image.layers.map((layer) => `blobs/sha256/${layer.digest.slice(7)}`)
      }))
    );
    const index = JSON.parse(entries.get('index.json')!.toString());
    expect(index.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(index.manifests).toEqual([
      ...['1', 'latest'].map((tag) => ({
        ...descriptor(built[0].manifest),
        platform: AMD64,
        annotations: { 'io.containerd.image.name': `docker.io/library/one:${tag}`, 'org.opencontainers.image.ref.name': tag }
      })),
      {
        ...descriptor(built[1].manifest),
        platform: AMD64,
        annotations: { 'io.containerd.image.name': 'ghcr.io/o/two:2', 'org.opencontainers.image.ref.name': '2' }
      },
      // A pinned reference is named as written, as containerd names what it pulls.
      { ...descriptor(built[1].manifest), platform: AMD64, annotations: { 'io.containerd.image.name': pinnedTwo } }
    ]);
  });

  it('for the classic store alone: manifest.json only, layers inflated under their diff IDs, the ones it has left out', async () => {
    const { store, built } = await storeWithImages();
    const images = built.map((image, i) => ({ ...archiveImage(image, [`one:${i}`]), diffIds: image.layers.map((layer) => layer.diffId) }));
    const base = built[0].layers[0];
    const extra = Buffer.from('{"not":"in the store"}');
    const extraImage = {
      ...images[0],
      config: { ...images[0].config, digest: sha256(extra), size: extra.length },
      layers: [],
      diffIds: []
    };
    const entries = await readArchive([...images, extraImage], store, {
      omit: new Set([base.digest]),
      inflate: true,
      extraBlobs: new Map([[sha256(extra), extra]])
    });

    const tops = built.map((image) => image.layers[1]);
    const path = (digest: string) => `blobs/sha256/${digest.slice(7)}`;
    expect([...entries.keys()].sort()).toEqual(
      [
        'manifest.json',
        ...[...built.map((image) => image.config.digest), sha256(extra), ...tops.map((layer) => layer.diffId)].map(path)
      ].sort()
    );
    for (const top of tops) expect(entries.get(path(top.diffId))!.equals(gunzipSync(top.bytes!))).toBe(true);
    expect(entries.get(path(sha256(extra)))!.equals(extra)).toBe(true);
    expect(JSON.parse(entries.get('manifest.json')!.toString())[1]).toEqual({
      Config: path(built[1].config.digest),
      RepoTags: ['one:1'],
      Layers: [path(base.digest), path(tops[1].diffId)]
    });
  });

  it('fails the stream when a blob is missing from the store', async () => {
    const { store, built } = await storeWithImages();
    const image = archiveImage(built[0], ['one:1']);
    await store.prune([image.manifest.digest, image.config.digest]);
    await expect(readArchive([image], store)).rejects.toThrow(/ENOENT/);
  });
});

describe.each(IMAGE_STORES)('the archive in the %s image store', (store) => {
  let daemon: DockerDaemon;
  beforeAll(async () => {
    daemon = await dockerDaemon(store);
  }, 90_000);
  afterAll(() => stopDockerDaemon(), 30_000);

  it('docker load takes it: names as written, the layers as the config says', async () => {
    const { store: blobs, built } = await storeWithImages();
    const images = [
      archiveImage(built[0], ['docker.io/library/tarball-one:1', 'docker.io/tarball/one:1']),
      archiveImage(built[1], ['localhost:5000/tarball/two:2'], [`localhost:5000/tarball/two@${built[1].manifest.digest}`])
    ];
    const loaded = await daemon.docker(['load'], { input: await bufferOf(streamLoadArchive(blobs, images)) });
    expect(loaded.stderr).toBe('');
    // The classic store's image ID is the config digest; the containerd store's the target's.
    const id = (image: BuiltImage) => (store === 'classic' ? image.config : image.manifest).digest;
    const names: [string, BuiltImage][] = [
      ['tarball-one:1', built[0]],
      ['tarball/one:1', built[0]],
      ['localhost:5000/tarball/two:2', built[1]],
      ...(store === 'containerd' ? [[`localhost:5000/tarball/two@${built[1].manifest.digest}`, built[1]] as [string, BuiltImage]] : [])
    ];
    for (const [name, image] of names) {
      const inspect = await daemon.docker(['image', 'inspect', '--format', '{{.Id}} {{json .RootFS.Layers}}', name]);
      expect(inspect.stdout.toString().trim()).toBe(`${id(image)} ${JSON.stringify(image.layers.map((l) => l.diffId))}`);
    }
  });
});

async function bufferOf(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
