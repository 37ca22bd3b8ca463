import type { LockEntry, Lockfile } from '../lockfile/lockfile.js';
import { sourcesOf, type Usage } from './collect.js';
import type { ImageUpdate, Move } from './update-check.js';
import type { Pin } from './update-targets.js';

/**
 * The lockfile with each taken move applied (and each move the cooldown holds recorded
 * as the entry's `pending`): the entry under `name:tag@old` goes to
 * `name:tag@new` with the new image's digest, media type and platforms, its sources
 * where the new form is used now (those of the old entry when only the lockfile holds
 * it). Where an occurrence in a file could not be rewritten, the old entry stays for it. Every
 * other entry is left as it was.
 */
export function lockfileAfterMoves(
  lockfile: Lockfile,
  moves: readonly Move[],
  unchanged: readonly Pin[],
  usages: ReadonlyMap<string, Usage>
): Lockfile {
  const byKey = new Map(moves.filter((move) => move.update.status === 'updated').map((move) => [move.pin.key, move]));
  const held = new Map(moves.filter((move) => move.update.status === 'cooldown').map((move) => [move.pin.key, move.update]));
  const settled = new Set(unchanged.map((pin) => pin.key));
  const images: Record<string, LockEntry> = {};
  const put = (key: string, entry: LockEntry) => {
    const prior = images[key];
    images[key] = prior ? { ...entry, sources: [...new Set([...prior.sources, ...entry.sources])].sort() } : entry;
  };
  for (const [key, entry] of Object.entries(lockfile.images)) {
    const move = byKey.get(key);
    if (!move) {
      put(key, withPending(entry, held.get(key), settled.has(key)));
      continue;
    }
    const left = usages.get(key);
    if (left && left.occurrences.length > 0) put(key, { ...entry, sources: sourcesOf(left) });
    const newKey = `${move.update.reference}@${move.image.digest}`;
    const used = usages.get(newKey);
    const { digest, mediaType, platforms } = move.image;
    const signedBy = move.signedBy ? { signedBy: move.signedBy } : {};
    const platform = move.update.platform === undefined ? {} : { platform: move.update.platform };
    const firstSeen = move.update.firstSeen === undefined ? {} : { firstSeen: move.update.firstSeen };
    put(newKey, { digest, mediaType, platforms, ...platform, ...firstSeen, sources: used ? sourcesOf(used) : entry.sources, ...signedBy });
  }
  return { ...lockfile, images };
}

/**
 * An entry's `pending`: the digest the cooldown holds back for it and the day it was
 * first seen, kept while the tag stays there, replaced when it moves on, dropped when
 * the tag is back at the pin.
 */
function withPending(entry: LockEntry, held: ImageUpdate | undefined, settled: boolean): LockEntry {
  const { pending, ...rest } = entry;
  if (held?.firstSeen !== undefined) return { ...rest, pending: { digest: held.to, firstSeen: held.firstSeen } };
  return settled || (held && pending) ? rest : entry;
}
