import type { Reference } from '../name/reference.js';
import { platformMatches, parsePlatform, type Platform } from '../platform/platform.js';
import { readImageDetails, type ImageDetails } from '../remote/image-details.js';
import { isIndex } from '../remote/media-types.js';
import { pinnedPlatform, type TagIndex } from '../remote/platform-pin.js';
import type { RegistryClient } from '../remote/registry-client.js';
import { platformsOf } from '../remote/resolve.js';
import type { PlatformChange } from './update-change.js';
import type { Pin } from './update-targets.js';

/** How one pin follows its tag: the whole image, or (`platform`) one platform's manifest of the tag's index. */
export interface PinFollow {
  pin: Pin;
  platform?: string;
  /** The pinned image's platforms when they had to be read to tell (no lockfile entry). */
  pinnedPlatforms?: Record<string, string>;
}

/**
 * Tells a pin to one platform's manifest of its tag's index from a pin to the image:
 * by the platform its lockfile entry records, by finding its digest in the index, or,
 * for an image manifest pinned while its tag now points to an index, by the platform
 * of that manifest (the user's choice of one platform is kept).
 */
export async function howPinFollows(client: RegistryClient, tag: Reference, pin: Pin, index: TagIndex | undefined): Promise<PinFollow> {
  if (!index) return { pin };
  const platform = pin.entry?.platform ?? pinnedPlatform(index.platforms, pin.digest);
  if (platform) return { pin, platform };
  if (pin.entry) return isIndex(pin.entry.mediaType) ? { pin } : { pin, platform: Object.keys(pin.entry.platforms)[0] };
  const pinned = await client.getManifest(tag, pin.digest).catch(() => undefined);
  if (!pinned) return { pin };
  const pinnedPlatforms = (await platformsOf(client, tag, pinned)).platforms;
  return { pin, pinnedPlatforms, ...(isIndex(pinned.mediaType) ? {} : { platform: Object.keys(pinnedPlatforms)[0] }) };
}

/** One platform's image of an index, under the index's key for it (its config may spell the platform otherwise). */
export async function platformImageDetails(client: RegistryClient, tag: Reference, key: string, digest: string): Promise<ImageDetails> {
  const image = await readImageDetails(client, tag, digest, []);
  return { ...image, platforms: { [key]: digest }, images: { [key]: Object.values(image.images)[0] } };
}

/**
 * Whether a tag moved only for platforms not used here: the platforms `--platform` names,
 * else those the lockfile entry records (a lock made with `--platform` records only
 * those). A move that changes no platform at all (index churn) is not this case.
 */
export function movedOnlyElsewhere(changes: readonly PlatformChange[], pin: Pin, filter: readonly Platform[]): boolean {
  const used = (change: PlatformChange) =>
    filter.length > 0
      ? filter.some((wanted) => platformMatches(wanted, parsePlatform(change.platform)))
      : pin.entry === undefined || change.platform in pin.entry.platforms;
  const moved = changes.filter((change) => change.status !== 'unchanged');
  return moved.length > 0 && !moved.some(used);
}
