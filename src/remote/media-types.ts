/** The manifest media types image-lock reads; schema 1 is long deprecated and refused. */
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';

export const MANIFEST_ACCEPT = [OCI_INDEX, DOCKER_LIST, OCI_MANIFEST, DOCKER_MANIFEST].join(', ');

export function isIndex(mediaType: string): boolean {
  return mediaType === OCI_INDEX || mediaType === DOCKER_LIST;
}

export function isImageManifest(mediaType: string): boolean {
  return mediaType === OCI_MANIFEST || mediaType === DOCKER_MANIFEST;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: {
    os: string;
    architecture: string;
    variant?: string;
    'os.version'?: string;
  };
  annotations?: Record<string, string>;
  /** OCI 1.1: what a referrer is (a Sigstore bundle, an SBOM). */
  artifactType?: string;
}

export interface IndexManifest {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
}

/** The parts of an image config that say what it runs on and what its layers hold. */
export interface ImageConfig {
  os?: string;
  architecture?: string;
  variant?: string;
  'os.version'?: string;
  /** When the image was built (RFC 3339); absent, or the zero time, in reproducible builds. */
  created?: string;
  rootfs?: { diff_ids?: string[] };
}
