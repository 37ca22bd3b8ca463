import { RegistryError } from '../errors.js';
import { OCI_INDEX, OCI_MANIFEST, isImageManifest, isIndex, type ImageManifest, type IndexManifest } from './media-types.js';
import { sha256Digest } from '../layout/digest.js';

export interface FetchedManifest {
  digest: string;
  mediaType: string;
  size: number;
  bytes: Buffer;
  json: IndexManifest | ImageManifest;
}

export interface ManifestCheck {
  what: string;
  /** The digest the manifest was fetched by, when it was. */
  requestedDigest?: string;
  /** `Docker-Content-Digest` as the registry sent it. */
  statedDigest?: string;
  contentType?: string;
}

/**
 * Turns a manifest's bytes into a verified manifest: its sha256 must equal the digest
 * it was asked for and the one the registry stated, or it is an error, never a
 * lockfile entry.
 */
export function parseManifest(bytes: Buffer, check: ManifestCheck): FetchedManifest {
  const digest = sha256Digest(bytes);
  for (const expected of [check.requestedDigest, check.statedDigest]) {
    if (expected?.startsWith('sha256:') && expected !== digest) {
      throw new RegistryError(`manifest ${check.what} does not match its digest: expected ${expected}, got ${digest}`);
    }
  }
  let json: IndexManifest | (ImageManifest & { schemaVersion?: number });
  try {
    json = JSON.parse(bytes.toString('utf8')) as typeof json;
  } catch {
    throw new RegistryError(`manifest ${check.what} is not valid JSON`);
  }
  const mediaType = manifestMediaType(json, check.contentType);
  if (!mediaType) {
    throw new RegistryError(
      `manifest ${check.what} has an unsupported type (${check.contentType ?? 'none'}); schema 1 manifests are not supported`
    );
  }
  return { digest, mediaType, size: bytes.length, bytes, json };
}

function manifestMediaType(
  json: { mediaType?: string; schemaVersion?: number; manifests?: unknown; config?: unknown },
  contentType?: string
): string | undefined {
  if (json.schemaVersion !== 2) return undefined;
  const stated = [json.mediaType, contentType?.split(';')[0]?.trim()].find((type) => type && (isIndex(type) || isImageManifest(type)));
  if (stated) return stated;
  // OCI allows a manifest without mediaType; its shape says which it is.
  if (Array.isArray(json.manifests)) return OCI_INDEX;
  if (json.config) return OCI_MANIFEST;
  return undefined;
}
