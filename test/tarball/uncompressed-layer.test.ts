import { createHash, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { BlobStore } from '../../src/layout/blob-store.js';
import type { Descriptor } from '../../src/remote/media-types.js';
import { LayerSizeError, canInflate, uncompressedLayer } from '../../src/tarball/uncompressed-layer.js';
import { scratchDirs } from '../pull/helpers/scratch.js';

const scratch = scratchDirs();
const GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';

async function stored(store: BlobStore, bytes: Buffer, mediaType: string): Promise<Descriptor> {
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  const ingest = store.ingest(digest, bytes.length);
  await ingest.append([bytes]);
  await store.commit(ingest);
  return { mediaType, digest, size: bytes.length };
}

/** Reads the stream to its end or its failure: the bytes that came, and the failure. */
async function drain(stream: NodeJS.ReadableStream): Promise<{ bytes: Buffer; error?: unknown }> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return { bytes: Buffer.concat(chunks) };
  } catch (error) {
    return { bytes: Buffer.concat(chunks), error };
  }
}

describe('uncompressedLayer', () => {
  let store: BlobStore;
  beforeAll(async () => {
    store = await BlobStore.open(scratch('inflate'));
  });

  it('inflates a gzip layer, its size known beforehand from the gzip trailer', async () => {
    const tar = Buffer.concat([randomBytes(3 << 20), Buffer.alloc(2 << 20, 'text ')]);
    const layer = await uncompressedLayer(store, await stored(store, gzipSync(tar), GZIP));
    expect(layer.size).toBe(tar.length);
    const { bytes, error } = await drain(layer.open());
    expect(error).toBeUndefined();
    expect(bytes.equals(tar)).toBe(true);
  });

  it('fails a gzip stream of several members before giving all the bytes the trailer promised', async () => {
    const [first, second] = [randomBytes(1 << 20), randomBytes(1000)];
    const layer = await uncompressedLayer(store, await stored(store, Buffer.concat([gzipSync(first), gzipSync(second)]), GZIP));
    // The trailer holds the last member's length only.
    expect(layer.size).toBe(second.length);
    const { bytes, error } = await drain(layer.open());
    expect(error).toBeInstanceOf(LayerSizeError);
    expect(bytes.length).toBeLessThan(layer.size);
  });

  it('passes a plain tar layer as stored, and leaves other compressions to the daemon', async () => {
    const tar = randomBytes(10_000);
    const plain = await uncompressedLayer(store, await stored(store, tar, 'application/vnd.oci.image.layer.v1.tar'));
    expect(plain.size).toBe(tar.length);
    expect((await drain(plain.open())).bytes.equals(tar)).toBe(true);
    expect(canInflate(await stored(store, randomBytes(100), 'application/vnd.oci.image.layer.v1.tar+zstd'))).toBe(false);
  });
});
