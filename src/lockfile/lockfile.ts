import { readFile } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { parseDigest } from '../name/reference.js';
import { writeFileAtomic } from '../fs/atomic.js';

/** The lockfile of SPEC: deterministic bytes, so an unchanged world gives an identical file. */
export interface LockEntry {
  digest: string;
  mediaType: string;
  platforms: Record<string, string>;
  sources: string[];
}

export interface Lockfile {
  lockfileVersion: 1;
  images: Record<string, LockEntry>;
}

export const DEFAULT_LOCKFILE = 'image-lock.json';

export function emptyLockfile(): Lockfile {
  return { lockfileVersion: 1, images: {} };
}

/** Keys sorted at every level, two-space indent, trailing newline, nothing time-dependent. */
export function serializeLockfile(lockfile: Lockfile): string {
  return `${JSON.stringify(sortKeys(lockfile), null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])])
    );
  }
  return value;
}

/** The lockfile at `path`, or undefined when there is none yet. */
export async function readLockfile(path: string): Promise<Lockfile | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InputError(`cannot read lockfile ${path}: ${(error as Error).message}`);
  }
  return parseLockfile(text, path);
}

export function parseLockfile(text: string, path: string): Lockfile {
  const fail = (reason: string): never => {
    throw new InputError(`invalid lockfile ${path}: ${reason}`);
  };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return fail(`not JSON (${(error as Error).message})`);
  }
  const lockfile = data as Partial<Lockfile> | null;
  if (!lockfile || typeof lockfile !== 'object') return fail('not an object');
  if (lockfile.lockfileVersion !== 1) fail(`unsupported lockfileVersion ${JSON.stringify(lockfile.lockfileVersion)}`);
  if (!lockfile.images || typeof lockfile.images !== 'object') fail('"images" is missing');
  for (const [reference, entry] of Object.entries(lockfile.images!)) {
    const where = (field: string, reason: string) => fail(`${reference}: ${field} ${reason}`);
    if (!entry || typeof entry !== 'object') where('entry', 'is not an object');
    if (typeof entry.digest !== 'string') where('digest', 'is missing');
    tryDigest(entry.digest, (reason) => where('digest', reason));
    if (typeof entry.mediaType !== 'string') where('mediaType', 'is missing');
    if (!entry.platforms || typeof entry.platforms !== 'object') where('platforms', 'is missing');
    for (const digest of Object.values(entry.platforms)) tryDigest(digest, (reason) => where('platforms', reason));
    if (!Array.isArray(entry.sources)) where('sources', 'is not a list');
  }
  return lockfile as Lockfile;
}

function tryDigest(digest: string, fail: (reason: string) => never): void {
  try {
    parseDigest(digest);
  } catch (error) {
    fail((error as Error).message);
  }
}

/** Writes the lockfile atomically; returns whether its bytes changed. */
export async function writeLockfile(path: string, lockfile: Lockfile): Promise<boolean> {
  const text = serializeLockfile(lockfile);
  const before = await readFile(path, 'utf8').catch(() => undefined);
  if (before === text) return false;
  await writeFileAtomic(path, text);
  return true;
}
