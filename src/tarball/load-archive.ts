import { once } from 'node:events';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import type { BlobStore } from '../layout/blob-store.js';
import { archiveBlobs, blobPath, type ArchiveImage } from './archive-image.js';
import { dockerLoadManifest, ociLoadIndex } from './load-manifests.js';

/** A fixed time so the same images always give the same archive bytes. */
const MTIME = new Date(0);

/**
 * The archive `docker load` reads, streamed from the blob store: the compressed blobs
 * as they are (no recompression, each written once however many images share it),
 * a `manifest.json` for the classic image store and an OCI `index.json` +
 * `oci-layout` for the containerd store, both pointing at the same blobs. Only one
 * blob is being read at a time, with backpressure, so memory stays flat.
 */
export function streamLoadArchive(store: BlobStore, images: ArchiveImage[]): Readable {
  const pack = tar.pack();
  // A Node stream over tar-stream's streamx one, for `pipeline` into `docker load`;
  // a failure is raised on it (destroying it ends the pack too).
  const archive = Readable.from(pack, { objectMode: false });
  writeArchive(pack, store, images).then(
    () => pack.finalize(),
    (error: Error) => archive.destroy(error)
  );
  return archive;
}

async function writeArchive(pack: tar.Pack, store: BlobStore, images: ArchiveImage[]): Promise<void> {
  // The small files first: both loaders read the whole archive before acting on it.
  addFile(pack, 'oci-layout', JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  addFile(pack, 'index.json', JSON.stringify(ociLoadIndex(images)));
  addFile(pack, 'manifest.json', JSON.stringify(dockerLoadManifest(images)));
  for (const blob of archiveBlobs(images)) {
    if (pack.destroyed) return;
    const source = store.open(blob.digest);
    try {
      await new Promise<void>((resolve, reject) => {
        const entry = pack.entry({ name: blobPath(blob.digest), size: blob.size, mode: 0o644, mtime: MTIME }, (error) =>
          error ? reject(error) : resolve()
        );
        entry.on('error', reject);
        copy(source, entry).catch(reject);
      });
    } finally {
      source.destroy();
    }
  }
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
