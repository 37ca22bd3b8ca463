import { createHash } from 'node:crypto';
import { formatPlatform, type Platform } from '../../platform/platform.js';

/** Bumped when what a cache entry holds changes shape, so old entries are not restored. */
const LAYOUT_VERSION = 'v1';

export interface CacheKey {
  /** One entry per job configuration: the locked manifests being pulled, and the platform. */
  key: string;
  /** The hash of the manifests in `key`. */
  hash: string;
  /** Any entry for the platform: a partial hit when the lockfile changed since it was saved. */
  restorePrefix: string;
  /** The platform as a file-name-safe word (`linux-arm64-v8`), for the tool cache's folder. */
  platformSlug: string;
}

export function cacheKey(manifestDigests: string[], platform: Platform): CacheKey {
  const platformSlug = formatPlatform(platform).replace(/[^a-zA-Z0-9.]+/g, '-');
  const hash = createHash('sha256')
    .update([...manifestDigests].sort().join('\n'))
    .digest('hex')
    .slice(0, 32);
  const restorePrefix = `image-lock-${LAYOUT_VERSION}-${platformSlug}-`;
  return { key: `${restorePrefix}${hash}`, hash, restorePrefix, platformSlug };
}
