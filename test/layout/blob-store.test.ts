import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { InputError, RegistryError } from '../../src/errors.js';
import { BlobStore } from '../../src/layout/blob-store.js';
import { scratchDirs } from '../pull/helpers/scratch.js';

const scratch = scratchDirs();

const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

async function storeBlob(store: BlobStore, bytes: Buffer): Promise<string> {
  const digest = sha256(bytes);
  const ingest = store.ingest(digest, bytes.length);
  await ingest.append([bytes]);
  await store.commit(ingest);
  return digest;
}

/** The folder's file names other than committed blobs: leftovers of failed ingests. */
const leftovers = (store: BlobStore) => readdirSync(join(store.root, 'blobs', 'sha256')).filter((name) => !/^[a-f0-9]{64}$/.test(name));

describe('BlobStore', () => {
  let store: BlobStore;
  beforeEach(async () => {
    store = await BlobStore.open(scratch('blob-store'));
  });

  it('is an OCI image layout with each blob under blobs/sha256/<hex>', async () => {
    const bytes = Buffer.from('hello layout');
    const digest = await storeBlob(store, bytes);
    expect(JSON.parse(readFileSync(join(store.root, 'oci-layout'), 'utf8'))).toEqual({ imageLayoutVersion: '1.0.0' });
    expect(readFileSync(join(store.root, 'blobs', 'sha256', digest.slice(7)))).toEqual(bytes);
    expect(await store.verify(digest)).toBe('valid');
    expect(await store.list()).toEqual([digest]);
    // Opening it again keeps what it holds.
    expect(await (await BlobStore.open(store.root)).list()).toEqual([digest]);
  });

  it('streams a blob in chunks, hashing on the way, and commits it whole', async () => {
    const chunks = Array.from({ length: 64 }, () => randomBytes(64 * 1024));
    const whole = Buffer.concat(chunks);
    const ingest = store.ingest(sha256(whole), whole.length);
    let counted = 0;
    await ingest.append(Readable.from(chunks), (count) => (counted += count));
    await store.commit(ingest);
    expect(counted).toBe(whole.length);
    // Buffer.equals: jest's deep equality walks a 4 MB buffer byte by byte, for seconds.
    expect(readFileSync(store.path(sha256(whole))).equals(whole)).toBe(true);
  });

  it('refuses bytes that do not match the digest and leaves nothing behind', async () => {
    const ingest = store.ingest(sha256(Buffer.from('expected')), 8);
    await ingest.append([Buffer.from('tampered')]);
    await expect(store.commit(ingest)).rejects.toThrow(RegistryError);
    expect(await store.list()).toEqual([]);
    expect(leftovers(store)).toEqual([]);
  });

  it('refuses more bytes than the descriptor states, and a blob cut short', async () => {
    const bytes = Buffer.from('0123456789');
    const tooLong = store.ingest(sha256(bytes), 4);
    await expect(tooLong.append([bytes])).rejects.toThrow(/larger than the 4 bytes/);
    await tooLong.discard();
    const tooShort = store.ingest(sha256(bytes), 10);
    await tooShort.append([bytes.subarray(0, 6)]);
    await expect(store.commit(tooShort)).rejects.toThrow(/ended after 6 of its 10 bytes/);
    expect(leftovers(store)).toEqual([]);
  });

  it('goes on from where an append stopped, or starts over after restart()', async () => {
    const bytes = randomBytes(1000);
    const resumed = store.ingest(sha256(bytes), bytes.length);
    await resumed.append([bytes.subarray(0, 300)]);
    expect(resumed.written).toBe(300);
    await resumed.append([bytes.subarray(300)]);
    await store.commit(resumed);
    expect(await store.verify(sha256(bytes))).toBe('valid');

    const other = randomBytes(500);
    const restarted = store.ingest(sha256(other), other.length);
    await restarted.append([randomBytes(200)]);
    await restarted.restart();
    expect(restarted.written).toBe(0);
    await restarted.append([other]);
    await store.commit(restarted);
    expect(readFileSync(store.path(sha256(other)))).toEqual(other);
  });

  it('takes the same blob from two writers at once and keeps one copy', async () => {
    const bytes = randomBytes(256 * 1024);
    await Promise.all([storeBlob(store, bytes), storeBlob(store, bytes)]);
    expect(await store.list()).toEqual([sha256(bytes)]);
    expect(leftovers(store)).toEqual([]);
  });

  it('catches a flipped byte, removes the corrupt blob, and tells a missing one apart', async () => {
    const digest = await storeBlob(store, randomBytes(4096));
    const path = store.path(digest);
    const bytes = readFileSync(path);
    bytes[1234] ^= 0x01;
    writeFileSync(path, bytes);
    expect(await store.verify(digest)).toBe('corrupt');
    expect(existsSync(path)).toBe(false);
    expect(await store.verify(digest)).toBe('missing');
  });

  it('prunes blobs not referenced, and leftovers of interrupted ingests', async () => {
    const kept = await storeBlob(store, Buffer.from('kept'));
    const dropped = await storeBlob(store, Buffer.from('dropped, 17 bytes'));
    // What a run killed part way through a download left, before this process started.
    const leftover = join(store.root, 'blobs', 'sha256', `.ingest-${'c'.repeat(64)}-0123abcd`);
    writeFileSync(leftover, 'half a blob');
    const before = new Date(Date.now() - 3_600_000);
    utimesSync(leftover, before, before);
    const result = await store.prune([kept]);
    expect(result).toEqual({ removed: [dropped], bytes: 17 });
    expect(await store.list()).toEqual([kept]);
    expect(leftovers(store)).toEqual([]);
  });

  it('prunes around a download another run has going: its ingest stays', async () => {
    const kept = await storeBlob(store, Buffer.from('kept'));
    // A run beside this one, still writing (its ingest open, named by its live pid).
    const running = store.ingest(sha256(Buffer.from('in flight')), 9);
    await running.append([Buffer.from('in f')]);
    // The write stream opens its file asynchronously.
    while (!existsSync(running.tempPath)) await new Promise((resolve) => setTimeout(resolve, 5));
    await store.prune([kept]);
    expect(existsSync(running.tempPath)).toBe(true);
    await running.append([Buffer.from('light')]);
    await store.commit(running);
    expect((await store.list()).sort()).toEqual([kept, sha256(Buffer.from('in flight'))].sort());
  });

  it('stores sha256 blobs only', () => {
    expect(() => store.ingest(`sha512:${'a'.repeat(128)}`)).toThrow(InputError);
    expect(() => store.path('sha256:../../etc/passwd')).toThrow(InputError);
  });
});
