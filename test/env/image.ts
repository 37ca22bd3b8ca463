// Building and pushing images and indexes: the reusable building block behind the
// fixtures (tests use it too: retagging, benchmark images of a given layer size...).
// Every digest is computed here from the exact bytes pushed.
import { DOCKER_LAYER, OCI_LAYER, blobFromBytes, type Blob, type Layer } from './layers.js';
import { pushBlob, pushManifest, type PushTarget } from './push.js';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';
export const IN_TOTO = 'application/vnd.in-toto+json';

export type Format = 'oci' | 'docker';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
  'os.version'?: string;
}

/** `os/arch[/variant][:os.version]`, the lockfile's platform key. */
export function platformKey(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}${p['os.version'] ? `:${p['os.version']}` : ''}`;
}

export interface ImageSpec {
  format?: Format;
  platform: Platform;
  layers: Layer[];
  /** The config's `config` section (Env, Cmd, Labels...). */
  runConfig?: Record<string, unknown>;
  /** The config's `created` (2024-01-01 unless given); null leaves it out, as some reproducible builds do. */
  created?: string | null;
}

export interface BuiltImage {
  platform: Platform;
  manifest: Blob;
  config: Blob;
  layers: Layer[];
}

const CREATED = '2024-01-01T00:00:00Z';

/** Builds the config and manifest of a single-platform image, in OCI or Docker schema2 form. */
export function buildImage(spec: ImageSpec): BuiltImage {
  const format = spec.format ?? 'oci';
  const created = spec.created === undefined ? CREATED : spec.created;
  // Same bytes, the format's own media type: gzip'd tars are labelled per format.
  const layers = spec.layers.map((l) =>
    l.mediaType === OCI_LAYER || l.mediaType === DOCKER_LAYER ? { ...l, mediaType: format === 'oci' ? OCI_LAYER : DOCKER_LAYER } : l
  );
  const config = blobFromBytes(
    format === 'oci' ? OCI_CONFIG : DOCKER_CONFIG,
    Buffer.from(
      JSON.stringify({
        architecture: spec.platform.architecture,
        os: spec.platform.os,
        ...(spec.platform.variant ? { variant: spec.platform.variant } : {}),
        ...(spec.platform['os.version'] ? { 'os.version': spec.platform['os.version'] } : {}),
        ...(created === null ? {} : { created }),
        config: spec.runConfig ?? { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] },
        rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
        history: layers.map((_, i) => ({ ...(created === null ? {} : { created }), created_by: `image-lock fixture layer ${i}` }))
      })
    )
  );
  return {
    platform: spec.platform,
    config,
    layers,
    manifest: manifestBlob(format === 'oci' ? OCI_MANIFEST : DOCKER_MANIFEST, config, layers)
  };
}

/**
 * An attestation manifest for `subject`, as buildx writes it: platform unknown/unknown,
 * one in-toto layer (not gzip'd, so its diff_id is its digest).
 */
export function buildAttestation(subject: BuiltImage): BuiltImage {
  const statement = Buffer.from(
    JSON.stringify({
      _type: 'https://in-toto.io/Statement/v0.1',
      predicateType: 'https://slsa.dev/provenance/v0.2',
      subject: [{ name: 'image-lock-fixture', digest: { sha256: subject.manifest.digest.slice(7) } }],
      predicate: { builder: { id: 'image-lock test fixtures' } }
    })
  );
  const blob = blobFromBytes(IN_TOTO, statement);
  const layer: Layer = { ...blob, diffId: blob.digest, annotations: { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v0.2' } };
  const config = blobFromBytes(
    OCI_CONFIG,
    Buffer.from(
      JSON.stringify({ architecture: 'unknown', os: 'unknown', config: {}, rootfs: { type: 'layers', diff_ids: [layer.diffId] } })
    )
  );
  return {
    platform: { os: 'unknown', architecture: 'unknown' },
    config,
    layers: [layer],
    manifest: manifestBlob(OCI_MANIFEST, config, [layer])
  };
}

function manifestBlob(mediaType: string, config: Blob, layers: Layer[]): Blob {
  return blobFromBytes(
    mediaType,
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType,
        config: descriptor(config),
        layers: layers.map((l) => ({ ...descriptor(l), ...(l.annotations ? { annotations: l.annotations } : {}) }))
      })
    )
  );
}

function descriptor(b: Blob) {
  return { mediaType: b.mediaType, digest: b.digest, size: b.size };
}

export interface IndexEntry {
  image: BuiltImage;
  annotations?: Record<string, string>;
}

export interface BuiltIndex {
  manifest: Blob;
  entries: IndexEntry[];
}

/** An OCI index or Docker manifest list over already built images. */
export function buildIndex(format: Format, entries: IndexEntry[]): BuiltIndex {
  const mediaType = format === 'oci' ? OCI_INDEX : DOCKER_LIST;
  const manifests = entries.map((e) => ({
    ...descriptor(e.image.manifest),
    platform: e.image.platform,
    ...(e.annotations ? { annotations: e.annotations } : {})
  }));
  return { manifest: blobFromBytes(mediaType, Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType, manifests }))), entries };
}

/** The index entry buildx writes for an attestation of `subject`. */
export function attestationEntry(subject: BuiltImage): IndexEntry {
  return {
    image: buildAttestation(subject),
    annotations: { 'vnd.docker.reference.digest': subject.manifest.digest, 'vnd.docker.reference.type': 'attestation-manifest' }
  };
}

/** Pushes an image's blobs and manifest (by digest, then under each tag). */
export async function pushImage(target: PushTarget, repo: string, image: BuiltImage, tags: string[] = []): Promise<void> {
  for (const blob of [image.config, ...image.layers]) await pushBlob(target, repo, blob);
  for (const ref of [image.manifest.digest, ...tags]) await pushManifest(target, repo, ref, image.manifest);
}

/** Pushes every image of an index, then the index (by digest, then under each tag). */
export async function pushIndex(target: PushTarget, repo: string, index: BuiltIndex, tags: string[] = []): Promise<void> {
  for (const e of index.entries) await pushImage(target, repo, e.image);
  for (const ref of [index.manifest.digest, ...tags]) await pushManifest(target, repo, ref, index.manifest);
}
