// Layers that compress the way real ones do: files part random (binaries, compressed
// assets) and part text that is never the same twice (sources, configs, docs), so a
// layer's gzip is a little over half its content and no long-range repeats flatter
// a compressor with a large window. Streamed to a file: nothing is held whole.
import { createCipheriv, createHash, type Hash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import { OCI_LAYER, type Layer } from '../test/env/layers.js';

/** Bytes per file in the layer: a spread of sizes costs the loader as real trees do. */
const FILE_SIZES = [64 * 1024, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024];
/** Of each 64 KiB block, this share is random; the rest is text. */
const RANDOM_SHARE = 0.25;
const BLOCK = 64 * 1024;
const WORDS = (
  'the of and to in is for on with as by at from that this be are or it an was not which ' +
  'function return const import export class interface value error config server client ' +
  'request response buffer stream layer image digest manifest registry platform cache blob'
).split(' ');
const MTIME = new Date('2024-01-01T00:00:00Z');

export interface CompressibleLayer extends Layer {
  /** The uncompressed tar's size. */
  tarSize: number;
}

/** A gzip'd tar layer of about `size` bytes of content, deterministic for a `seed`. */
export async function compressibleLayer(path: string, size: number, seed: string): Promise<CompressibleLayer> {
  const tarHash = createHash('sha256');
  const gzHash = createHash('sha256');
  let gzSize = 0;
  let tarSize = 0;
  const pack = tar.pack();
  const writing = pipeline(
    hashed(pack, tarHash, (n) => (tarSize += n)),
    createGzip(),
    (source: AsyncIterable<unknown>) => hashed(source, gzHash, (n) => (gzSize += n)),
    createWriteStream(path)
  );
  const content = new ContentSource(seed);
  for (let written = 0, index = 0; written < size; index++) {
    const fileSize = Math.min(FILE_SIZES[index % FILE_SIZES.length], size - written);
    await writeEntry(pack, `opt/${seed}/${String(index).padStart(5, '0')}.dat`, fileSize, content);
    written += fileSize;
  }
  pack.finalize();
  await writing;
  return {
    mediaType: OCI_LAYER,
    digest: `sha256:${gzHash.digest('hex')}`,
    size: gzSize,
    file: path,
    diffId: `sha256:${tarHash.digest('hex')}`,
    tarSize
  };
}

async function writeEntry(pack: tar.Pack, name: string, size: number, content: ContentSource): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const entry = pack.entry({ name, size, mode: 0o644, mtime: MTIME, uid: 0, gid: 0 }, (error) => (error ? reject(error) : resolve()));
    (async () => {
      for (let left = size; left > 0;) {
        const block = content.block(Math.min(BLOCK, left));
        left -= block.length;
        if (!entry.write(block)) await new Promise<void>((drained) => entry.once('drain', drained));
      }
      entry.end(undefined);
    })().catch(reject);
  });
}

/** Random bytes from an AES-CTR keystream, text from a seeded xorshift over a small vocabulary. */
class ContentSource {
  private readonly cipher;
  private state: number;

  constructor(seed: string) {
    const key = createHash('sha256').update(seed).digest();
    this.cipher = createCipheriv('aes-128-ctr', key.subarray(0, 16), Buffer.alloc(16));
    this.state = key.readUInt32LE(16) || 1;
  }

  block(size: number): Buffer {
    const randomBytes = Math.floor(size * RANDOM_SHARE);
    return Buffer.concat([this.cipher.update(Buffer.alloc(randomBytes)), this.text(size - randomBytes)]);
  }

  private text(size: number): Buffer {
    const lines: string[] = [];
    let length = 0;
    while (length < size) {
      const line = `${this.word()} ${this.word()}(${this.word()}.${this.word()}, ${this.next() % 1000});\n`;
      lines.push(line);
      length += line.length;
    }
    return Buffer.from(lines.join('')).subarray(0, size);
  }

  private word(): string {
    return WORDS[this.next() % WORDS.length];
  }

  private next(): number {
    // xorshift32: fast, deterministic, good enough to keep text from repeating.
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }
}

/** Passes chunks on, each told to `hash` (and counted) on the way. */
async function* hashed(source: AsyncIterable<unknown>, hash: Hash, count?: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    const bytes = chunk as Buffer;
    hash.update(bytes);
    count?.(bytes.length);
    yield bytes;
  }
}
