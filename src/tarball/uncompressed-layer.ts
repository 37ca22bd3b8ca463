import { open } from 'node:fs/promises';
import { Transform, pipeline, type Readable, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { BlobStore } from '../layout/blob-store.js';
import type { Descriptor } from '../remote/media-types.js';

const GZIP_LAYERS = new Set(['application/vnd.oci.image.layer.v1.tar+gzip', 'application/vnd.docker.image.rootfs.diff.tar.gzip']);
const TAR_LAYERS = new Set(['application/vnd.oci.image.layer.v1.tar', 'application/vnd.docker.image.rootfs.diff.tar']);

/**
 * Bytes per inflated chunk: zlib's default of 16 KiB makes every later step (the tar
 * entry, the write to the daemon) run 16 times as often, for as many bytes.
 */
const INFLATE_CHUNK = 256 << 10;

/** A layer as the uncompressed tar the daemon would otherwise inflate itself. */
export interface UncompressedLayer {
  /** The tar's size, which an archive entry must state before its bytes. */
  size: number;
  open(): Readable;
}

/** The uncompressed size did not come out as the gzip trailer said: the layer must go in compressed. */
export class LayerSizeError extends Error {}

/**
 * Whether a layer can go in inflated: a gzip layer under 4 GiB (or a plain tar), which
 * its descriptor alone tells, so an archive's `manifest.json` can name it before its
 * bytes are on disk.
 */
export function canInflate(layer: Descriptor): boolean {
  return TAR_LAYERS.has(layer.mediaType) || (GZIP_LAYERS.has(layer.mediaType) && layer.size >= 18 && layer.size < 2 ** 32);
}

/**
 * A stored layer `canInflate` accepts, inflated on the way out. A gzip stream ends with its length mod 2^32 (ISIZE), which is the tar's size
 * for the single-member gzip every image builder writes; a layer it does not describe
 * (several members, another length) fails with `LayerSizeError` before its archive entry
 * is whole, so the daemon never takes a wrong layer for a right one.
 */
export async function uncompressedLayer(store: BlobStore, layer: Descriptor): Promise<UncompressedLayer> {
  if (TAR_LAYERS.has(layer.mediaType)) return { size: layer.size, open: () => store.open(layer.digest) };
  const file = await open(store.path(layer.digest));
  const trailer = Buffer.alloc(4);
  try {
    await file.read(trailer, 0, 4, layer.size - 4);
  } finally {
    await file.close();
  }
  const size = trailer.readUInt32LE(0);
  // pipeline() hands any failure (a bad gzip stream, a short read) on to the last stream, which the archive reads.
  const inflate = () => createGunzip({ chunkSize: INFLATE_CHUNK });
  return { size, open: () => pipeline(store.open(layer.digest), inflate(), new ExactLength(size, layer.digest), () => undefined) };
}

/**
 * Passes exactly `size` bytes on, holding the last of them back until the input has
 * ended: a longer or shorter stream fails with the entry still short of its end.
 */
class ExactLength extends Transform {
  private seen = 0;
  private held: Buffer | undefined;

  constructor(
    private readonly size: number,
    private readonly digest: string
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.held) this.push(this.held);
    this.seen += chunk.length;
    if (this.seen > this.size) return callback(this.mismatch());
    this.held = chunk;
    callback();
  }

  override _flush(callback: TransformCallback): void {
    if (this.seen !== this.size) return callback(this.mismatch());
    if (this.held) this.push(this.held);
    callback();
  }

  private mismatch(): LayerSizeError {
    return new LayerSizeError(`layer ${this.digest} does not inflate to the ${this.size} bytes its gzip trailer states`);
  }
}
