import type { LockEntry, Lockfile } from '../lockfile/lockfile.js';
import { sourcesOf, type Usage } from './collect.js';
import type { Move } from './update-check.js';

/**
 * The lockfile with each taken move applied: the entry under `name:tag@old` goes to
 * `name:tag@new` with the new image's digest, media type and platforms, its sources
 * where the new form is used now (those of the old entry when only the lockfile holds
 * it). Where an occurrence in a file could not be rewritten, the old entry stays for it. Every
 * other entry is left as it was.
 */
export function lockfileAfterMoves(lockfile: Lockfile, moves: readonly Move[], usages: ReadonlyMap<string, Usage>): Lockfile {
  const byKey = new Map(moves.map((move) => [move.pin.key, move]));
  const images: Record<string, LockEntry> = {};
  const put = (key: string, entry: LockEntry) => {
    const prior = images[key];
    images[key] = prior ? { ...entry, sources: [...new Set([...prior.sources, ...entry.sources])].sort() } : entry;
  };
  for (const [key, entry] of Object.entries(lockfile.images)) {
    const move = byKey.get(key);
    if (!move) {
      put(key, entry);
      continue;
    }
    const left = usages.get(key);
    if (left && left.occurrences.length > 0) put(key, { ...entry, sources: sourcesOf(left) });
    const newKey = `${move.update.reference}@${move.image.digest}`;
    const used = usages.get(newKey);
    const { digest, mediaType, platforms } = move.image;
    const platform = move.update.platform === undefined ? {} : { platform: move.update.platform };
    put(newKey, { digest, mediaType, platforms, ...platform, sources: used ? sourcesOf(used) : entry.sources });
  }
  return { ...lockfile, images };
}
