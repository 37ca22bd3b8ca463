import type { Reference } from '../name/reference.js';
import type { Descriptor } from '../remote/media-types.js';

/** One image to put in a load archive, its blobs already in the blob store. */
export interface ArchiveImage {
  /** The image manifest chosen for the platform, its `platform` set. */
  manifest: Descriptor;
  config: Descriptor;
  layers: Descriptor[];
  /** Tagged references to name the image by; with none it loads untagged. */
  tags: Reference[];
  /** The config's rootfs.diff_ids: the layers' digests once inflated. */
  diffIds?: string[];
}

/** Where a blob sits in the archive: the OCI layout path, which manifest.json points at too. */
export function blobPath(digest: string): string {
  return `blobs/${digest.replace(':', '/')}`;
}

/**
 * Every blob the images need, each once, in a stable order (shared base layers are
 * common); without the image manifests for the classic store, which does not read them.
 */
export function archiveBlobs(images: ArchiveImage[], withManifests = true): Descriptor[] {
  const blobs = new Map<string, Descriptor>();
  for (const image of images) {
    for (const descriptor of [...(withManifests ? [image.manifest] : []), image.config, ...image.layers]) {
      if (!blobs.has(descriptor.digest)) blobs.set(descriptor.digest, descriptor);
    }
  }
  return [...blobs.values()];
}
