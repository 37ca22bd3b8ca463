import { createHash } from 'node:crypto';
import { formatPlatform, type Platform } from '../../platform/platform.js';

/** Bumped when what a cache entry holds changes shape, so old entries are not restored (v1: one archive of the store). */
const LAYOUT_VERSION = 'v2';

export interface CacheKey {
  /** The index entry of a job configuration (the locked manifests being pulled, and the platform); the tool cache's entry. */
  key: string;
  /** The hash of the manifests in `key`. */
  hash: string;
  /** The platform as a file-name-safe word (`linux-arm64-v8`), for the tool cache's folder. */
  platformSlug: string;
}

export function cacheKey(manifestDigests: string[], platform: Platform): CacheKey {
  const platformSlug = formatPlatform(platform).replace(/[^a-zA-Z0-9.]+/g, '-');
  const hash = createHash('sha256')
    .update([...manifestDigests].sort().join('\n'))
    .digest('hex')
    .slice(0, 32);
  return { key: `image-lock-${LAYOUT_VERSION}-${platformSlug}-${hash}`, hash, platformSlug };
}
