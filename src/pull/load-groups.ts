import type { ArchiveImage } from '../tarball/archive-image.js';

/**
 * Splits images into at most `count` archives of about equal work, the largest image
 * first into the lightest archive. A layer two archives share is loaded by both (the
 * daemon keeps one), which costs no time while each archive has a core to itself.
 */
export function loadGroups(images: ArchiveImage[], count: number): ArchiveImage[][] {
  const groups = Array.from({ length: Math.max(1, Math.min(count, images.length)) }, () => ({ images: [] as ArchiveImage[], bytes: 0 }));
  const bytesOf = (image: ArchiveImage) => image.layers.reduce((sum, layer) => sum + layer.size, 0);
  for (const image of [...images].sort((a, b) => bytesOf(b) - bytesOf(a))) {
    const lightest = groups.reduce((min, group) => (group.bytes < min.bytes ? group : min));
    lightest.images.push(image);
    lightest.bytes += bytesOf(image);
  }
  return groups.map((group) => group.images);
}
