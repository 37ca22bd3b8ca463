import { RegistryError } from '../errors.js';
import type { Reference } from '../name/reference.js';
import { parsePlatform, platformMatches } from '../platform/platform.js';
import type { FetchedManifest } from './manifest.js';
import { isIndex } from './media-types.js';
import type { RegistryClient } from './registry-client.js';
import { platformsOf } from './resolve.js';

/**
 * Pins to one platform's manifest of a tag's index (`name:tag@<linux/amd64 manifest>`,
 * the per-platform digest Docker Hub's tag page and `imagetools inspect` show): such a
 * pin follows its tag for that platform only.
 */

/** What a tag points to now, as a manifest HEAD states it. */
export interface TagTarget {
  digest: string;
  mediaType: string;
}

/** A tag's index, fetched once, with its platforms as a lockfile holds them. */
export interface TagIndex {
  manifest: FetchedManifest;
  platforms: Record<string, string>;
}

/**
 * What a tag points to now: the digest a HEAD states, else the one a GET finds;
 * undefined when the registry answers that the tag does not exist (404), so that a tag
 * deleted upstream is told apart from a registry that fails.
 */
export async function tagTarget(client: RegistryClient, tag: Reference): Promise<TagTarget | undefined> {
  try {
    const head = await client.headManifest(tag, tag.manifestReference);
    if (head) return { digest: head.digest, mediaType: head.mediaType };
    const manifest = await client.getManifest(tag, tag.manifestReference);
    return { digest: manifest.digest, mediaType: manifest.mediaType };
  } catch (error) {
    if (error instanceof RegistryError && error.status === 404) return undefined;
    throw error;
  }
}

/** The tag's index (one GET by digest) when it points to one; undefined for a single-manifest tag. */
export async function tagIndex(client: RegistryClient, tag: Reference, target: TagTarget): Promise<TagIndex | undefined> {
  if (!isIndex(target.mediaType)) return undefined;
  const manifest = await client.getManifest(tag, target.digest);
  return { manifest, platforms: (await platformsOf(client, tag, manifest)).platforms };
}

/** The platform whose manifest `digest` is in `platforms`: the pin is to that platform. */
export function pinnedPlatform(platforms: Record<string, string>, digest: string): string | undefined {
  return Object.entries(platforms).find(([, manifest]) => manifest === digest)?.[0];
}

/**
 * `platform`'s entry in `platforms`, `[key, digest]`, matched as containerd does
 * (`linux/arm64` finds `linux/arm64/v8`); undefined when the index no longer offers it.
 */
export function platformEntry(platforms: Record<string, string>, platform: string): [string, string] | undefined {
  if (platforms[platform]) return [platform, platforms[platform]];
  const wanted = parsePlatform(platform);
  return Object.entries(platforms).find(([key]) => platformMatches(wanted, parsePlatform(key)));
}
