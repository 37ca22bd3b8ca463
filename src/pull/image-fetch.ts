import { RegistryError } from '../errors.js';
import type { BlobStore } from '../layout/blob-store.js';
import { parseManifest } from '../remote/manifest.js';
import {
  isImageManifest,
  isIndex,
  type Descriptor,
  type ImageConfig,
  type ImageManifest,
  type IndexManifest
} from '../remote/media-types.js';
import type { RegistryClient } from '../remote/registry-client.js';
import type { ArchiveImage } from '../tarball/archive-image.js';
import { downloadBlob } from './blob-download.js';
import type { BlobFetcher, BlobOrigin } from './blob-fetcher.js';
import type { PullTarget } from './pull-target.js';

/** An image whose index, manifest and config are in the store: what its load archive needs to know. */
export interface DescribedImage {
  target: PullTarget;
  archive: ArchiveImage;
  /** Every blob of the image: index, manifest, config, layers. */
  digests: string[];
}

export interface ImageFetchContext {
  store: BlobStore;
  client: RegistryClient;
  fetcher: BlobFetcher;
  signal: AbortSignal;
  onBytes: (count: number) => void;
}

/**
 * Brings an image's index (when the lock pins one), manifest and config into the store,
 * from it when they are sound: enough to write its load archive, whose layers
 * (`fetchLayers`) may still be on their way.
 */
export async function describeImage(context: ImageFetchContext, target: PullTarget): Promise<DescribedImage> {
  const { store, client, fetcher } = context;
  const repo = target.reference;

  const fetchManifest = async (digest: string, what: 'manifest' | 'index') => {
    await fetcher.ensure({
      digest,
      what: `${what} of ${target.key}`,
      download: async (ingest) => ingest.append([(await client.getManifest(repo, digest)).bytes])
    });
    const bytes = await store.read(digest);
    return parseManifest(bytes, { what: `${target.key} (${what === 'index' ? what : target.platformKey})`, requestedDigest: digest });
  };
  const [manifest, index] = await Promise.all([
    fetchManifest(target.manifestDigest, 'manifest'),
    target.locked.digest === target.manifestDigest ? undefined : fetchManifest(target.locked.digest, 'index')
  ]);
  if (!isImageManifest(manifest.mediaType)) {
    throw new RegistryError(
      `${target.key}: ${target.manifestDigest} locked for ${target.platformKey} is a ${manifest.mediaType}, not an image manifest`
    );
  }
  if (index && !(isIndex(index.mediaType) && (index.json as IndexManifest).manifests?.some((m) => m.digest === manifest.digest))) {
    throw new RegistryError(`${target.key}: the locked ${target.locked.digest} is not an index holding ${target.manifestDigest}`);
  }
  const { config, layers } = manifest.json as ImageManifest;
  await fetchBlob(context, target, config, 'config');
  const diffIds = diffIdsOf(await store.read(config.digest));

  const { platform } = target;
  const manifestDescriptor: Descriptor = {
    mediaType: manifest.mediaType,
    digest: manifest.digest,
    size: manifest.size,
    platform: { os: platform.os, architecture: platform.architecture, variant: platform.variant, 'os.version': platform.osVersion }
  };
  return {
    target,
    archive: {
      target: index ? { mediaType: index.mediaType, digest: index.digest, size: index.size } : manifestDescriptor,
      manifest: manifestDescriptor,
      config,
      layers,
      tags: target.tag ? [target.tag] : [],
      pinned: target.reference.digest ? [target.reference] : [],
      // Only a config that names each layer's diff ID lets the layers go in inflated.
      diffIds: diffIds?.length === layers.length ? diffIds : undefined
    },
    digests: [...(index ? [index.digest] : []), manifest.digest, config.digest, ...layers.map((layer) => layer.digest)]
  };
}

/** Brings a described image's layers into the store, from it when they are sound. */
export async function fetchLayers(context: ImageFetchContext, image: DescribedImage): Promise<void> {
  await Promise.all(image.archive.layers.map((layer) => fetchBlob(context, image.target, layer, 'layer')));
}

function fetchBlob(context: ImageFetchContext, target: PullTarget, descriptor: Descriptor, what: string): Promise<BlobOrigin> {
  const { client, fetcher, signal, onBytes } = context;
  return fetcher.ensure({
    digest: descriptor.digest,
    size: descriptor.size,
    what: `${what} of ${target.key}`,
    download: (ingest) => downloadBlob(client, target.reference, ingest, { signal, onBytes })
  });
}

/** The config's layer diff IDs; undefined for a config that does not say (the daemon will judge it). */
function diffIdsOf(config: Buffer): string[] | undefined {
  try {
    const ids = (JSON.parse(config.toString('utf8')) as ImageConfig).rootfs?.diff_ids;
    return Array.isArray(ids) && ids.every((id) => typeof id === 'string') ? ids : undefined;
  } catch {
    return undefined;
  }
}
