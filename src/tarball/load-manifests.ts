import { OCI_INDEX, type Descriptor, type IndexManifest } from '../remote/media-types.js';
import { blobPath, type ArchiveImage } from './archive-image.js';
import { repoTag } from './repo-tag.js';

/** An entry of `manifest.json`, what the classic image store's `docker load` reads. */
export interface DockerLoadEntry {
  Config: string;
  RepoTags: string[];
  Layers: string[];
}

/** containerd's name for an image, and the OCI annotation for its tag. */
const CONTAINERD_IMAGE_NAME = 'io.containerd.image.name';
const OCI_REF_NAME = 'org.opencontainers.image.ref.name';

/** `layerPath` says where each layer is in the archive (an inflated one is under its diff ID). */
export function dockerLoadManifest(
  images: ArchiveImage[],
  layerPath: (layer: Descriptor) => string = (layer) => blobPath(layer.digest)
): DockerLoadEntry[] {
  return images.map((image) => ({
    Config: blobPath(image.config.digest),
    RepoTags: image.tags.map(repoTag),
    Layers: image.layers.map(layerPath)
  }));
}

/**
 * The OCI `index.json` the containerd image store (and `ctr images import`) reads:
 * one entry per name, annotated as `docker save` does it (the full name for
 * containerd, the tag for OCI), so the image is stored under each name with its
 * image manifest as target.
 */
export function ociLoadIndex(images: ArchiveImage[]): IndexManifest {
  const manifests: Descriptor[] = images.flatMap((image) => {
    const { mediaType, digest, size, platform } = image.manifest;
    const descriptor: Descriptor = { mediaType, digest, size, ...(platform ? { platform } : {}) };
    if (image.tags.length === 0) return [descriptor];
    return image.tags.map((tag) => ({
      ...descriptor,
      annotations: { [CONTAINERD_IMAGE_NAME]: `${tag.name}:${tag.tag}`, [OCI_REF_NAME]: tag.tag! }
    }));
  });
  return { schemaVersion: 2, mediaType: OCI_INDEX, manifests };
}
