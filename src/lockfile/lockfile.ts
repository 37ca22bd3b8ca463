import { readFile } from 'node:fs/promises';
import { InputError, messageOf } from '../errors.js';
import { parseDigest, parseReference } from '../name/reference.js';
import { writeFileAtomic, type WriteOptions } from '../fs/atomic.js';

/** The lockfile of SPEC: deterministic bytes, so an unchanged world gives an identical file. */
export interface LockEntry {
  digest: string;
  mediaType: string;
  platforms: Record<string, string>;
  sources: string[];
  /** The verified signer (SPEC), when signature verification is on. */
  signedBy?: SignedBy;
  /** For a pin to one platform's manifest of its tag's index: that platform (its key in the index). */
  platform?: string;
  /** The UTC day (`YYYY-MM-DD`) image-lock first saw `digest`; absent for a digest locked before it was recorded. */
  firstSeen?: string;
  /**
   * The digest a pin's tag moved to that the cooldown holds back, with the day it was
   * first seen: the lockfile is the only state a CI job keeps, and without it a held
   * digest would be seen anew each run and never age.
   */
  pending?: Pending;
}

export interface Pending {
  digest: string;
  firstSeen: string;
}

/** Who signed a locked digest: a keyless identity and its OIDC issuer, or a key's fingerprint. */
export type SignedBy = { identity: string; issuer: string } | { key: string };

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

/** The lockfile at `path`, or undefined when there is none yet; `label` names it in messages. */
export async function readLockfile(path: string, label = path): Promise<Lockfile | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InputError(`cannot read lockfile ${label}: ${messageOf(error)}`);
  }
  return parseLockfile(text, label);
}

/** Checks every field SPEC gives the lockfile, so that what is read is what the types say. */
export function parseLockfile(text: string, path: string): Lockfile {
  const fail = (reason: string): never => {
    throw new InputError(`invalid lockfile ${path}: ${reason}`);
  };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return fail(`not JSON (${messageOf(error)})`);
  }
  if (!isRecord(data)) return fail('not an object');
  if (data.lockfileVersion !== 1) fail(`unsupported lockfileVersion ${shown(data.lockfileVersion)}`);
  if (!isRecord(data.images)) fail('"images" is missing or not an object of references');
  const images = Object.entries(data.images as Record<string, unknown>).map(([reference, entry]) => [
    reference,
    checkEntry(reference, entry, fail)
  ]);
  return { lockfileVersion: 1, images: Object.fromEntries(images) as Record<string, LockEntry> };
}

/**
 * The entry with the fields SPEC gives it and no others: a field it does not know is not
 * carried into what is written or printed (nested deep enough, it would overflow the stack there).
 */
function checkEntry(reference: string, entry: unknown, fail: (reason: string) => never): LockEntry {
  const where = (field: string, reason: string) => fail(`${reference}: ${field} ${reason}`);
  try {
    parseReference(reference);
  } catch (error) {
    where('key', `is not an image reference (${messageOf(error)})`);
  }
  if (!isRecord(entry)) return where('entry', 'is not an object');
  if (typeof entry.digest !== 'string') where('digest', 'is missing');
  tryDigest(entry.digest as string, (reason) => where('digest', reason));
  if (typeof entry.mediaType !== 'string') where('mediaType', 'is missing');
  if (!isRecord(entry.platforms)) where('platforms', 'is not an object');
  for (const digest of Object.values(entry.platforms as Record<string, unknown>)) {
    if (typeof digest !== 'string') where('platforms', 'holds a value that is not a digest');
    tryDigest(digest as string, (reason) => where('platforms', reason));
  }
  if (!Array.isArray(entry.sources) || entry.sources.some((source) => typeof source !== 'string'))
    where('sources', 'is not a list of paths');
  if (entry.platform !== undefined && typeof entry.platform !== 'string') where('platform', 'is not a platform');
  if (entry.firstSeen !== undefined && !isDay(entry.firstSeen)) where('firstSeen', 'is not a day (YYYY-MM-DD)');
  if (entry.pending !== undefined) {
    if (!isRecord(entry.pending) || !isDay(entry.pending.firstSeen)) where('pending', 'is not {"digest", "firstSeen"}');
    tryDigest((entry.pending as Record<string, unknown>).digest as string, (reason) => where('pending', reason));
  }
  const signedBy = entry.signedBy === undefined ? undefined : checkSignedBy(entry.signedBy, (reason) => where('signedBy', reason));
  const { digest, mediaType, platforms, sources, platform, firstSeen, pending } = entry as unknown as LockEntry;
  return {
    digest,
    mediaType,
    platforms,
    sources,
    ...(platform === undefined ? {} : { platform }),
    ...(firstSeen === undefined ? {} : { firstSeen }),
    ...(pending === undefined ? {} : { pending: { digest: pending.digest, firstSeen: pending.firstSeen } }),
    ...(signedBy ? { signedBy } : {})
  };
}

function checkSignedBy(value: unknown, fail: (reason: string) => never): SignedBy {
  if (isRecord(value) && typeof value.key === 'string') return { key: value.key };
  if (isRecord(value) && typeof value.identity === 'string' && typeof value.issuer === 'string') {
    return { identity: value.identity, issuer: value.issuer };
  }
  return fail('is neither {identity, issuer} nor {key}');
}

/** A value for a message: a primitive as JSON; a list or object, which may be any size or depth, only by kind. */
function shown(value: unknown): string {
  if (Array.isArray(value)) return '[...]';
  if (isRecord(value)) return '{...}';
  return JSON.stringify(value) ?? 'undefined';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isDay(value: unknown): boolean {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && Number.isFinite(Date.parse(value));
}

/**
 * The day each digest of `lockfile` was first seen, locked or pending, so that a digest
 * met again (under another key, or taken after a cooldown) keeps its day. A digest
 * locked before days were recorded maps to undefined: its day is not known, and is not made up.
 */
export function firstSeenDays(lockfile: Lockfile | undefined): Map<string, string | undefined> {
  const days = new Map<string, string | undefined>();
  const note = (digest: string, day: string | undefined) => {
    const known = days.get(digest);
    if (!days.has(digest) || (known !== undefined && (day === undefined || day < known))) days.set(digest, day);
  };
  for (const entry of Object.values(lockfile?.images ?? {})) {
    note(entry.digest, entry.firstSeen);
    if (entry.pending) note(entry.pending.digest, entry.pending.firstSeen);
  }
  return days;
}

/** The `firstSeen` field for `digest`: the day `days` holds for it, today for a digest never seen. */
export function firstSeenField(days: ReadonlyMap<string, string | undefined>, digest: string, today: string): { firstSeen?: string } {
  const day = days.has(digest) ? days.get(digest) : today;
  return day === undefined ? {} : { firstSeen: day };
}

function tryDigest(digest: string, fail: (reason: string) => never): void {
  try {
    parseDigest(digest);
  } catch (error) {
    fail(messageOf(error));
  }
}

/** Writes the lockfile the one safe way (`writeFileAtomic`); returns whether its bytes changed. */
export async function writeLockfile(path: string, lockfile: Lockfile, options: WriteOptions = {}): Promise<boolean> {
  const text = serializeLockfile(lockfile);
  const before = await readFile(path, 'utf8').catch(() => undefined);
  if (before === text) return false;
  await writeFileAtomic(path, text, { label: `the lockfile ${options.label ?? path}`, roots: options.roots });
  return true;
}
