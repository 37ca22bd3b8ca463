import { InputError } from '../errors.js';
import type { Reference } from '../name/reference.js';
import { formatPlatform, platformMatches, type Platform } from '../platform/platform.js';
import { isIndex, type Descriptor, type ImageConfig, type ImageManifest, type IndexManifest } from './media-types.js';
import type { FetchedManifest } from './manifest.js';
import type { RegistryClient } from './registry-client.js';

/** What a reference resolves to: the digest that counts and one manifest per platform. */
export interface ResolvedImage {
  reference: Reference;
  digest: string;
  mediaType: string;
  /** `os/arch[/variant][:os.version]` -> image manifest digest. */
  platforms: Record<string, string>;
  /** For `name:tag@digest` pinned to one platform's manifest of its tag's index: that platform. */
  platform?: string;
}

const REFERENCE_TYPE = 'vnd.docker.reference.type';

/**
 * Resolves one reference with a single manifest GET (plus the config for a
 * single-platform image, to learn its platform). `filter` keeps only the platforms
 * it matches, the way containerd matches them.
 */
export async function resolveImage(client: RegistryClient, reference: Reference, filter: Platform[] = []): Promise<ResolvedImage> {
  const manifest = await client.getManifest(reference, reference.manifestReference);
  const { platforms } = await platformsOf(client, reference, manifest, filter);
  return { reference, digest: manifest.digest, mediaType: manifest.mediaType, platforms };
}

export interface ManifestPlatforms {
  /** `os/arch[/variant][:os.version]` -> image manifest digest, as a lockfile holds them. */
  platforms: Record<string, string>;
  /** A single-platform image's config, read to learn its platform. */
  config?: ImageConfig;
}

/** The platforms of a fetched manifest that `filter` keeps; none kept is bad input. */
export async function platformsOf(
  client: RegistryClient,
  reference: Reference,
  manifest: FetchedManifest,
  filter: Platform[] = []
): Promise<ManifestPlatforms> {
  let config: ImageConfig | undefined;
  if (!isIndex(manifest.mediaType))
    config = await client.getBlobJson<ImageConfig>(reference, (manifest.json as ImageManifest).config.digest);
  const entries = config ? [[configPlatform(config), manifest.digest] as const] : indexPlatforms(manifest.json as IndexManifest);
  const kept = entries.filter(([platform]) => filter.length === 0 || filter.some((wanted) => platformMatches(wanted, platform)));
  if (kept.length === 0) {
    const offered = entries.map(([platform]) => formatPlatform(platform)).join(', ') || 'none';
    const wanted = filter.map(formatPlatform).join(', ');
    throw new InputError(`${reference} has no platform matching ${wanted} (it offers ${offered})`);
  }
  const platforms: Record<string, string> = {};
  for (const [platform, digest] of kept) platforms[formatPlatform(platform)] ??= digest;
  return { platforms, config };
}

/** An index's platforms, leaving out attestation manifests and `unknown/unknown` entries. */
function indexPlatforms(index: IndexManifest): (readonly [Platform, string])[] {
  return (index.manifests ?? [])
    .filter(isPlatformManifest)
    .map((descriptor) => [toPlatform(descriptor.platform!), descriptor.digest] as const);
}

function isPlatformManifest(descriptor: Descriptor): boolean {
  const platform = descriptor.platform;
  if (!platform?.os || !platform.architecture) return false;
  if (platform.os === 'unknown' && platform.architecture === 'unknown') return false;
  return descriptor.annotations?.[REFERENCE_TYPE] !== 'attestation-manifest' && !isIndex(descriptor.mediaType);
}

function toPlatform(platform: NonNullable<Descriptor['platform']>): Platform {
  return { os: platform.os, architecture: platform.architecture, variant: platform.variant, osVersion: platform['os.version'] };
}

function configPlatform(config: ImageConfig): Platform {
  return toPlatform({
    os: config.os ?? 'unknown',
    architecture: config.architecture ?? 'unknown',
    variant: config.variant,
    'os.version': config['os.version']
  });
}
