import { InputError } from '../errors.js';
import type { LockEntry } from '../lockfile/lockfile.js';
import { parseReference, Reference } from '../name/reference.js';
import { formatPlatform, parsePlatform, platformMatches, type Platform } from '../platform/platform.js';

/** The part of a lockfile entry pulling needs. */
export type LockedImage = Pick<LockEntry, 'digest' | 'mediaType' | 'platforms'>;

/** One locked reference and the image manifest to pull for it. */
export interface PullTarget {
  /** The lockfile key. */
  key: string;
  reference: Reference;
  /** The name:tag the image gets in the daemon; undefined for a digest-only reference. */
  tag?: Reference;
  /** The lockfile's platform key that matched. */
  platformKey: string;
  platform: Platform;
  manifestDigest: string;
  /** What the lock pins: an index holding `manifestDigest`, or that manifest itself. */
  locked: { digest: string; mediaType: string };
}

/**
 * Picks, for each locked reference, the manifest locked for `platform`, matched the
 * way containerd matches (`linux/arm64` is `linux/arm64/v8`). A reference locked
 * without that platform is bad input: the lockfile has to be made with it.
 */
export function pullTargets(images: Record<string, LockedImage>, platform: Platform): PullTarget[] {
  return Object.keys(images)
    .sort()
    .map((key) => {
      const reference = parseReference(key);
      const platforms = images[key].platforms;
      const platformKey = Object.keys(platforms).find((candidate) => platformMatches(platform, parsePlatform(candidate)));
      if (platformKey === undefined) {
        const locked = Object.keys(platforms).join(', ') || 'none';
        throw new InputError(`${key} is not locked for ${formatPlatform(platform)} (locked: ${locked}); lock it with that platform first`);
      }
      const tag =
        reference.tag === undefined ? undefined : new Reference(reference.registry, reference.repository, reference.tag, undefined);
      const { digest, mediaType } = images[key];
      const manifestDigest = platforms[platformKey];
      return { key, reference, tag, platformKey, platform: parsePlatform(platformKey), manifestDigest, locked: { digest, mediaType } };
    });
}
