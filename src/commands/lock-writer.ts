import { firstSeenDays, firstSeenField, type LockEntry, type Lockfile, type SignedBy } from '../lockfile/lockfile.js';
import { saveLockfile, type LockfileFile } from '../lockfile/lockfile-file.js';
import type { ResolvedImage } from '../remote/resolve.js';
import { sourcesOf, type Usage } from './collect.js';
import type { ImageReport } from './report.js';

export interface WrittenLock {
  lockfile: Lockfile;
  /** Each image against the lockfile as it was before. */
  images: ImageReport[];
  /** Whether the lockfile's bytes changed. */
  changed: boolean;
  /** References the lockfile held before that are no longer used. */
  removed: string[];
}

/** Writes the lockfile (opened with `openLockfile`) holding every usage with its resolution (`resolutionOf`). */
export async function writeLock(
  file: LockfileFile,
  usages: Usage[],
  resolutionOf: (usage: Usage, index: number) => ResolvedImage,
  today: string,
  signedBy?: ReadonlyMap<string, SignedBy>
): Promise<WrittenLock> {
  const lockfile: Lockfile = { lockfileVersion: 1, images: {} };
  const days = firstSeenDays(file.previous);
  const images: ImageReport[] = usages.map((usage, index) => {
    const key = usage.reference.toString();
    const signer = signedBy?.get(key);
    const entry: LockEntry = {
      ...toEntry(resolutionOf(usage, index), usage, firstSeenField(days, resolutionOf(usage, index).digest, today)),
      ...(signer ? { signedBy: signer } : {})
    };
    // A digest the cooldown holds back for this pin keeps its first-seen day while the pin is unchanged.
    const pending = file.previous?.images[key]?.digest === entry.digest ? file.previous.images[key].pending : undefined;
    if (pending) entry.pending = pending;
    lockfile.images[key] = entry;
    return { reference: key, ...entry, previousDigest: previousDigestOf(file.previous, key) };
  });
  const changed = await saveLockfile(file, lockfile);
  const removed = Object.keys(file.previous?.images ?? {}).filter((key) => !(key in lockfile.images));
  return { lockfile, images, changed, removed };
}

/**
 * The digest the lockfile held for a reference; for one pinned since (`name:tag@digest`),
 * what it held for the tag, so that a summary shows what changed when it was pinned.
 */
function previousDigestOf(previous: Lockfile | undefined, key: string): string | undefined {
  const at = key.indexOf('@');
  return previous?.images[key]?.digest ?? (at === -1 ? undefined : previous?.images[key.slice(0, at)]?.digest);
}

function toEntry(image: ResolvedImage, usage: Usage, firstSeen: { firstSeen?: string }): LockEntry {
  const platform = image.platform === undefined ? {} : { platform: image.platform };
  const { digest, mediaType, platforms } = image;
  return { digest, mediaType, platforms, ...platform, ...firstSeen, sources: sourcesOf(usage) };
}
