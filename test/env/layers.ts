// Real image layers: gzip'd tar files with their diff_id (sha256 of the tar) and digest
// (sha256 of the gzip), all computed here so no digest is ever hard-coded.
import { createCipheriv, createHash, type Hash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants, createGzip, gzipSync } from 'node:zlib';
import tar from 'tar-stream';

export const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const DOCKER_LAYER = 'application/vnd.docker.image.rootfs.diff.tar.gzip';

/** A blob to push: in memory (`bytes`) or, when large, in a file (`file`). */
export interface Blob {
  mediaType: string;
  digest: string;
  size: number;
  bytes?: Buffer;
  file?: string;
}

export interface Layer extends Blob {
  /** sha256 of the uncompressed tar: what the config's rootfs.diff_ids lists. */
  diffId: string;
  /** Descriptor annotations to write in the manifest. */
  annotations?: Record<string, string>;
}

export interface FileEntry {
  name: string;
  content: string | Buffer;
  mode?: number;
}

// Fixed owner and time so the same files always give the same bytes.
const MTIME = new Date('2024-01-01T00:00:00Z');

export function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export function blobFromBytes(mediaType: string, bytes: Buffer): Blob {
  return { mediaType, digest: sha256(bytes), size: bytes.length, bytes };
}

/** Tars `files` (with their parent folders) in memory and gzips them. */
export async function tarLayer(files: FileEntry[], mediaType = OCI_LAYER): Promise<Layer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => void chunks.push(c as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  const dirs = new Set<string>();
  for (const f of files) {
    const parts = f.name.split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (dirs.has(dir)) continue;
      dirs.add(dir);
      pack.entry({ ...owner(), name: `${dir}/`, type: 'directory', mode: 0o755 });
    }
    pack.entry({ ...owner(), name: f.name, mode: f.mode ?? 0o644 }, Buffer.from(f.content));
  }
  pack.finalize();
  await done;
  const tarBytes = Buffer.concat(chunks);
  const gz = gzipSync(tarBytes);
  return { mediaType, digest: sha256(gz), size: gz.length, bytes: gz, diffId: sha256(tarBytes) };
}

/**
 * A layer holding one file of `size` pseudo-random bytes derived from `seed` (AES-CTR
 * keystream: fast, deterministic, incompressible), streamed to `path` so large layers
 * never sit in memory whole. Gzip level 1: the content does not compress anyway.
 */
export async function randomLayer(path: string, size: number, seed: string, mediaType = OCI_LAYER): Promise<Layer> {
  const tarHash = createHash('sha256');
  const gzHash = createHash('sha256');
  let gzSize = 0;
  const pack = tar.pack();
  const writing = pipeline(
    pack,
    hashing(tarHash),
    createGzip({ level: constants.Z_BEST_SPEED }),
    hashing(gzHash, (n) => (gzSize += n)),
    createWriteStream(path)
  );
  let entry!: EntrySink;
  const entryDone = new Promise<void>((resolve, reject) => {
    entry = pack.entry({ ...owner(), name: 'data/random.bin', size, mode: 0o644 }, (err) => (err ? reject(err) : resolve()));
  });
  await writeRandom(entry, size, seed);
  await entryDone;
  pack.finalize();
  await writing;
  return { mediaType, digest: `sha256:${gzHash.digest('hex')}`, size: gzSize, file: path, diffId: `sha256:${tarHash.digest('hex')}` };
}

/** A tar entry's stream (streamx's Writable, not node:stream's). */
type EntrySink = ReturnType<ReturnType<typeof tar.pack>['entry']>;

async function writeRandom(out: EntrySink, size: number, seed: string): Promise<void> {
  const key = createHash('sha256').update(seed).digest().subarray(0, 16);
  const cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  const zeros = Buffer.alloc(1 << 20);
  for (let left = size; left > 0;) {
    const n = Math.min(left, zeros.length);
    left -= n;
    if (!out.write(cipher.update(zeros.subarray(0, n)))) {
      await new Promise<void>((r) => out.once('drain', r));
    }
  }
  out.end(undefined);
}

/** A pass-through stream that feeds every chunk to `hash` (and counts bytes). */
function hashing(hash: Hash, count?: (n: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      count?.(chunk.length);
      cb(null, chunk);
    }
  });
}

function owner() {
  return { uid: 0, gid: 0, uname: 'root', gname: 'root', mtime: MTIME };
}
