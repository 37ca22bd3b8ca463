import { RegistryError } from '../errors.js';
import type { Reference } from '../name/reference.js';
import type { Platform } from '../platform/platform.js';
import { mapLimit } from '../util/map-limit.js';
import type { FetchedManifest } from './manifest.js';
import { isImageManifest, type ImageConfig, type ImageManifest } from './media-types.js';
import type { RegistryClient } from './registry-client.js';
import { platformsOf } from './resolve.js';

/** One platform's image as a change report needs it: what it weighs and what it is made of. */
export interface PlatformImage {
  digest: string;
  /** Compressed size: the sum of its layers as the manifest states them. */
  size: number;
  layers: string[];
  /** The config's `created`, when it was read and states one. */
  created?: string;
}

/** An image by digest with its platforms (as a lockfile holds them) and each platform's image. */
export interface ImageDetails {
  digest: string;
  mediaType: string;
  platforms: Record<string, string>;
  images: Record<string, PlatformImage>;
}

// Per image; the images themselves are fetched `concurrency` at a time by the caller.
const PLATFORMS_IN_FLIGHT = 4;

/**
 * Reads an image by digest whole: its manifest (unless `fetched` already holds it), each
 * kept platform's manifest and config (for `created`). One GET per manifest and per config, no layer.
 */
export async function readImageDetails(
  client: RegistryClient,
  repo: Reference,
  digest: string,
  filter: Platform[],
  fetched?: FetchedManifest
): Promise<ImageDetails> {
  const manifest = fetched ?? (await client.getManifest(repo, digest));
  const { platforms, config } = await platformsOf(client, repo, manifest, filter);
  const entries = Object.entries(platforms);
  const images = config
    ? [platformImage(manifest, config)]
    : await mapLimit(entries, PLATFORMS_IN_FLIGHT, ([, platformDigest]) => readPlatformImage(client, repo, platformDigest, true));
  return {
    digest: manifest.digest,
    mediaType: manifest.mediaType,
    platforms,
    images: Object.fromEntries(entries.map(([key], index) => [key, images[index]]))
  };
}

/** One platform's image manifest by digest, and its config's `created` when `withConfig`. */
export async function readPlatformImage(
  client: RegistryClient,
  repo: Reference,
  digest: string,
  withConfig: boolean
): Promise<PlatformImage> {
  const manifest = await client.getManifest(repo, digest);
  if (!isImageManifest(manifest.mediaType)) throw new RegistryError(`${repo.name}@${digest} is not an image manifest`);
  const config = withConfig ? await client.getBlobJson<ImageConfig>(repo, (manifest.json as ImageManifest).config.digest) : undefined;
  return platformImage(manifest, config);
}

function platformImage(manifest: FetchedManifest, config: ImageConfig | undefined): PlatformImage {
  const layers = (manifest.json as ImageManifest).layers ?? [];
  return {
    digest: manifest.digest,
    size: layers.reduce((total, layer) => total + (layer.size ?? 0), 0),
    layers: layers.map((layer) => layer.digest),
    ...(typeof config?.created === 'string' ? { created: config.created } : {})
  };
}
