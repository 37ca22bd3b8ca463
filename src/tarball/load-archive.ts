import { once } from 'node:events';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import type { BlobStore } from '../layout/blob-store.js';
import type { Descriptor } from '../remote/media-types.js';
import { archiveBlobs, blobPath, type ArchiveImage } from './archive-image.js';
import { dockerLoadManifest, ociLoadIndex } from './load-manifests.js';
import { canInflate, uncompressedLayer } from './uncompressed-layer.js';

/** A fixed time so the same images always give the same archive bytes. */
const MTIME = new Date(0);

/** An archive for the classic image store alone, which reads only `manifest.json`. */
export interface ClassicArchiveOptions {
  /** Layers (by digest) the daemon has already: its loader opens only the layers it lacks. */
  omit?: ReadonlySet<string>;
  /**
   * Inflate gzip layers here: the classic loader inflates them one at a time in Go, zlib
   * here on several threads while the daemon works. Each layer also lands in the
   * daemon's temporary folder, so this only pays where the disk is faster than gzip.
   */
  inflate?: boolean;
  /** Blobs that are not in the store (the configs of stand-in images). */
  extraBlobs?: ReadonlyMap<string, Buffer>;
  /**
   * The archive ends only once this settles (and fails if it rejects). The classic loader
   * copies a whole archive into its temporary folder before it registers a layer, so an
   * archive whose parent layers are still being loaded can stream meanwhile.
   */
  endAfter?: Promise<unknown>;
}

/** Resolves when a blob is in the store and sound; rejects when it will not come, which ends the archive with that error. */
export type BlobReadiness = (digest: string) => Promise<void>;

export interface LoadArchiveOptions {
  /** Awaited before each stored blob is read, so the archive streams while blobs still arrive. Default: all are in place and sound. */
  ready?: BlobReadiness;
  /** The archive for the classic image store alone. */
  classic?: ClassicArchiveOptions;
}

const IN_PLACE: BlobReadiness = () => Promise.resolve();

interface ArchiveEntry {
  name: string;
  /** Waits for the blob, then says how long the entry is and how to read it. */
  prepare(): Promise<{ size: number; open(): Readable }>;
}

/**
 * The archive `docker load` reads, streamed from the blob store with no recompression,
 * each blob written once however many images share it. By default for either image
 * store: the compressed blobs as they are, a `manifest.json` for the classic store and
 * an OCI `index.json` + `oci-layout` for the containerd store, pointing at the same
 * blobs. With `classic`, for the classic store alone (see ClassicArchiveOptions). Only
 * one blob is being read at a time, with backpressure, so memory stays flat; each waits
 * for `ready`, so the daemon takes in the first blobs while later ones still download.
 */
export function streamLoadArchive(store: BlobStore, images: ArchiveImage[], options: LoadArchiveOptions = {}): Readable {
  const pack = tar.pack();
  // A Node stream over tar-stream's streamx one, for `pipeline` into `docker load`;
  // a failure is raised on it (destroying it ends the pack too).
  const archive = Readable.from(pack, { objectMode: false });
  writeArchive(pack, store, images, options)
    .then(() => options.classic?.endAfter)
    .then(
      () => pack.finalize(),
      (error: Error) => archive.destroy(error)
    );
  return archive;
}

async function writeArchive(pack: tar.Pack, store: BlobStore, images: ArchiveImage[], options: LoadArchiveOptions): Promise<void> {
  const { classic, ready = IN_PLACE } = options;
  const layerPaths = new Map<string, string>();
  const entries = classic
    ? classicEntries(store, images, classic, ready, layerPaths)
    : archiveBlobs(images).map((blob) => storedEntry(store, blob, ready));
  // The small files first: both loaders read the whole archive before acting on it.
  if (!classic) {
    addFile(pack, 'oci-layout', JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    addFile(pack, 'index.json', JSON.stringify(ociLoadIndex(images)));
  }
  addFile(
    pack,
    'manifest.json',
    JSON.stringify(dockerLoadManifest(images, (layer) => layerPaths.get(layer.digest) ?? blobPath(layer.digest)))
  );
  // Each entry is prepared (its blob hashed, when taken unhashed) while the one before it streams.
  let next = entries[0]?.prepare();
  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index];
    const prepared = await next;
    next = entries[index + 1]?.prepare();
    // Awaited on the next turn; until then (or if the archive fails first) not an unhandled rejection.
    next?.catch(() => undefined);
    if (pack.destroyed) return;
    const { size } = prepared;
    const source = prepared.open();
    try {
      await new Promise<void>((resolve, reject) => {
        const sink = pack.entry({ name: entry.name, size, mode: 0o644, mtime: MTIME }, (error) => (error ? reject(error) : resolve()));
        sink.on('error', reject);
        source.on('error', reject);
        copy(source, sink).catch(reject);
      });
    } finally {
      source.destroy();
    }
  }
}

/** Configs and the layers the daemon lacks; inflated layers go under their diff ID, as what they then are. */
function classicEntries(
  store: BlobStore,
  images: ArchiveImage[],
  options: ClassicArchiveOptions,
  ready: BlobReadiness,
  layerPaths: Map<string, string>
): ArchiveEntry[] {
  const entries: ArchiveEntry[] = [];
  const diffIds = new Map(images.flatMap((image) => image.layers.map((layer, index) => [layer.digest, image.diffIds?.[index]] as const)));
  for (const blob of archiveBlobs(images, false)) {
    if (options.omit?.has(blob.digest)) continue;
    const extra = options.extraBlobs?.get(blob.digest);
    const diffId = diffIds.get(blob.digest);
    if (extra)
      entries.push({
        name: blobPath(blob.digest),
        prepare: () => Promise.resolve({ size: extra.length, open: () => Readable.from([extra]) })
      });
    else if (options.inflate && diffId && canInflate(blob)) {
      layerPaths.set(blob.digest, blobPath(diffId));
      entries.push({
        name: blobPath(diffId),
        prepare: async () => {
          await ready(blob.digest);
          return uncompressedLayer(store, blob);
        }
      });
    } else entries.push(storedEntry(store, blob, ready));
  }
  return entries;
}

function storedEntry(store: BlobStore, blob: Descriptor, ready: BlobReadiness): ArchiveEntry {
  return {
    name: blobPath(blob.digest),
    prepare: async () => {
      await ready(blob.digest);
      return { size: blob.size, open: () => store.open(blob.digest) };
    }
  };
}

function addFile(pack: tar.Pack, name: string, content: string): void {
  pack.entry({ name, mode: 0o644, mtime: MTIME }, content);
}

/** tar-stream's entries are streamx streams: written by hand, honouring `drain`. */
async function copy(source: Readable, entry: ReturnType<tar.Pack['entry']>): Promise<void> {
  for await (const chunk of source) {
    if (!entry.write(chunk)) await once(entry, 'drain');
  }
  entry.end(undefined);
}
