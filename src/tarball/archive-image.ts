import type { Reference } from '../name/reference.js';
import type { Descriptor } from '../remote/media-types.js';

/** One image to put in a load archive, its blobs already in the blob store. */
export interface ArchiveImage {
  /**
   * What the lock pins, the image's target in the containerd store: the index (of which
   * only `manifest`'s platform is in the store, as containerd allows), or `manifest` itself.
   */
  target: Descriptor;
  /** The image manifest chosen for the platform, its `platform` set. */
  manifest: Descriptor;
  config: Descriptor;
  layers: Descriptor[];
  /** Tagged references to name the image by (`name:tag`). */
  tags: Reference[];
  /** The locked references with a digest, as written (`name:tag@digest`, `name@digest`); the digest is `target`'s. */
  pinned: Reference[];
  /** The config's rootfs.diff_ids: the layers' digests once inflated. */
  diffIds?: string[];
}

/** Where a blob sits in the archive: the OCI layout path, which manifest.json points at too. */
export function blobPath(digest: string): string {
  return `blobs/${digest.replace(':', '/')}`;
}

/**
 * Every blob the images need, each once, in a stable order (shared base layers are
 * common); without the index and image manifests for the classic store, which does not read them.
 */
export function archiveBlobs(images: ArchiveImage[], withManifests = true): Descriptor[] {
  const blobs = new Map<string, Descriptor>();
  for (const image of images) {
    for (const descriptor of [...(withManifests ? [image.target, image.manifest] : []), image.config, ...image.layers]) {
      if (!blobs.has(descriptor.digest)) blobs.set(descriptor.digest, descriptor);
    }
  }
  return [...blobs.values()];
}
