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
 * The OCI `index.json` the containerd image store reads: one entry per name, each with
 * the locked target (the index, or the image manifest), named as containerd names what
 * it pulls: `name:tag` for a tag, the reference as written for one with a digest
 * (`name:tag@digest`, `name@digest`: BuildKit finds a pinned `FROM` by that name alone).
 * Tags also carry the OCI ref name, as `docker save` writes them.
 */
export function ociLoadIndex(images: ArchiveImage[]): IndexManifest {
  const manifests: Descriptor[] = images.flatMap((image) => {
    const { mediaType, digest, size, platform } = image.target;
    const descriptor: Descriptor = { mediaType, digest, size, ...(platform ? { platform } : {}) };
    const tagged = image.tags.map((tag) => ({ [CONTAINERD_IMAGE_NAME]: `${tag.name}:${tag.tag}`, [OCI_REF_NAME]: tag.tag! }));
    const pinned = image.pinned.map((reference) => ({ [CONTAINERD_IMAGE_NAME]: `${reference}` }));
    const names = [...tagged, ...pinned];
    return names.length === 0 ? [descriptor] : names.map((annotations) => ({ ...descriptor, annotations }));
  });
  return { schemaVersion: 2, mediaType: OCI_INDEX, manifests };
}
