import type { PlatformImage } from '../remote/image-details.js';

/** What became of one platform between the pinned image and the tag's new one. */
export interface PlatformChange {
  platform: string;
  status: 'changed' | 'unchanged' | 'added' | 'removed';
  from?: string;
  to?: string;
  /** Compressed size of the new image's platform, in bytes. */
  size?: number;
  /** Compressed size of the pinned image's platform, when it could be read. */
  previousSize?: number;
  /** Layers of the new platform image the pinned one did not have; unknown when the pinned one could not be read. */
  newLayers?: number;
}

/** The pinned image's side: its platforms, and the images of those that changed when they could be read. */
export interface PinnedSide {
  platforms: Record<string, string>;
  images: Record<string, PlatformImage>;
}

/** The new image's side: every platform's image. */
export interface NewSide {
  platforms: Record<string, string>;
  images: Record<string, PlatformImage>;
}

/** Platform by platform, sorted: changed or not, added or removed, sizes and new layers. */
export function platformChanges(pinned: PinnedSide | undefined, next: NewSide): PlatformChange[] {
  const keys = [...new Set([...Object.keys(pinned?.platforms ?? {}), ...Object.keys(next.platforms)])].sort();
  return keys.map((platform) => {
    const from = pinned?.platforms[platform];
    const to = next.platforms[platform];
    const image = next.images[platform];
    const previous = pinned?.images[platform];
    if (to === undefined) return { platform, status: 'removed', from, previousSize: previous?.size };
    const size = image?.size;
    if (from === undefined) return { platform, status: 'added', to, size, newLayers: image?.layers.length };
    if (from === to) return { platform, status: 'unchanged', from, to, size, previousSize: size, newLayers: 0 };
    const known = new Set(previous?.layers ?? []);
    const newLayers = previous && image ? image.layers.filter((layer) => !known.has(layer)).length : undefined;
    return { platform, status: 'changed', from, to, size, previousSize: previous?.size, newLayers };
  });
}

const ZERO_TIMES = new Set([Date.parse('0001-01-01T00:00:00Z'), 0]);

/**
 * When the image was built: the newest `created` of its platforms' configs. Undefined
 * when none states a usable one (absent, unparseable, or the zero time reproducible
 * builds write), so that its age cannot be told.
 */
export function newestCreated(images: readonly PlatformImage[]): Date | undefined {
  const times = images
    .map((image) => (image.created === undefined ? NaN : Date.parse(image.created)))
    .filter((time) => Number.isFinite(time) && !ZERO_TIMES.has(time));
  return times.length > 0 ? new Date(Math.max(...times)) : undefined;
}
