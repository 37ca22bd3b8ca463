import type { Lockfile, LockEntry } from '../lockfile/lockfile.js';
import { parseReference, type Reference } from '../name/reference.js';
import { tagOf } from './drift.js';
import type { Usage } from './collect.js';

/** One `name:tag@digest` reference to follow, from the files, the given images or the lockfile. */
export interface Pin {
  /** The normalised reference, `name:tag@digest`: its key in the lockfile. */
  key: string;
  digest: string;
  /** Where it is used, when it is (the lockfile alone may hold it). */
  usage?: Usage;
  entry?: LockEntry;
}

/** One tag and every pin that follows it (pins to other digests of the same tag included). */
export interface FollowedTag {
  /** `name:tag`. */
  tag: Reference;
  pins: Pin[];
}

export interface Targets {
  followed: FollowedTag[];
  /** Digest-only references: no tag to follow. */
  untracked: string[];
}

/** The `tag@digest` references of the files and the lockfile, grouped by tag; digest-only ones set apart. */
export function updateTargets(usages: readonly Usage[], lockfile: Lockfile | undefined): Targets {
  const pins = new Map<string, { reference: Reference; pin: Pin }>();
  const untracked = new Set<string>();
  const add = (reference: Reference, usage?: Usage, entry?: LockEntry) => {
    const key = reference.toString();
    if (!reference.digest) return;
    if (!reference.writtenTag) return void untracked.add(key);
    const found = pins.get(key) ?? { reference, pin: { key, digest: reference.digest } };
    found.pin.usage ??= usage;
    found.pin.entry ??= entry;
    pins.set(key, found);
  };
  for (const usage of usages) add(usage.reference, usage, lockfile?.images[usage.reference.toString()]);
  for (const [key, entry] of Object.entries(lockfile?.images ?? {})) add(parseReference(key), undefined, entry);

  const byTag = new Map<string, FollowedTag>();
  for (const { reference, pin } of pins.values()) {
    const tag = tagOf(reference)!;
    const followed = byTag.get(tag.toString()) ?? { tag, pins: [] };
    followed.pins.push(pin);
    byTag.set(tag.toString(), followed);
  }
  const sorted = [...byTag.values()].sort((a, b) => compare(a.tag.toString(), b.tag.toString()));
  for (const followed of sorted) followed.pins.sort((a, b) => compare(a.key, b.key));
  return { followed: sorted, untracked: [...untracked].sort(compare) };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
