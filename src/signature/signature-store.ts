import type { Reference } from '../name/reference.js';
import type { Descriptor } from '../remote/media-types.js';
import type { RegistryClient } from '../remote/registry-client.js';

/** Sigstore bundles stored as OCI referrers (cosign 3's default) are found by this artifact type. */
export const BUNDLE_ARTIFACT_PREFIX = 'application/vnd.dev.sigstore.bundle';
const COSIGN_SIGNATURE = 'dev.cosignproject.cosign/signature';
const COSIGN_CERTIFICATE = 'dev.sigstore.cosign/certificate';
const COSIGN_BUNDLE = 'dev.sigstore.cosign/bundle';

/** A Sigstore bundle (its JSON form), as a referrer of the image stores it. */
export interface BundleSignature {
  form: 'bundle';
  bundle: unknown;
}

/** One layer of cosign's legacy `sha256-<hex>.sig` manifest: a simple-signing payload and its signature. */
export interface SimpleSignature {
  form: 'simple-signing';
  payload: Buffer;
  signature: Buffer;
  certificate?: string;
  /** cosign's Rekor bundle (JSON: the log entry and its SET), what a keyless signature is verified with. */
  logEntry?: string;
}

export type FoundSignature = BundleSignature | SimpleSignature;

/** Every signature stored for a manifest, in both storage forms, fetched in parallel. */
export async function findSignatures(client: RegistryClient, repo: Reference, digest: string): Promise<FoundSignature[]> {
  const [bundles, legacy] = await Promise.all([findBundles(client, repo, digest), findSimpleSignatures(client, repo, digest)]);
  return [...bundles, ...legacy];
}

/** The tag both cosign's storage forms derive from a digest: `sha256:<hex>` -> `sha256-<hex>`. */
export function digestTag(digest: string): string {
  return digest.replace(':', '-');
}

async function findBundles(client: RegistryClient, repo: Reference, digest: string): Promise<BundleSignature[]> {
  // A registry without the referrers API answers 404; OCI 1.1's fallback is an index under the digest's tag.
  const referrers = (await client.getReferrers(repo, digest)) ?? (await client.findManifest(repo, digestTag(digest)))?.json;
  const descriptors: Descriptor[] = referrers && 'manifests' in referrers ? referrers.manifests : [];
  const bundles = descriptors.filter((descriptor) => descriptor.artifactType?.startsWith(BUNDLE_ARTIFACT_PREFIX));
  return Promise.all(
    bundles.map(async (descriptor) => {
      const manifest = await client.getManifest(repo, descriptor.digest);
      const layer = 'layers' in manifest.json ? manifest.json.layers[0] : undefined;
      const bytes = layer ? await client.getSmallBlob(repo, layer.digest) : Buffer.from('null');
      return { form: 'bundle' as const, bundle: parseJson(bytes) };
    })
  );
}

async function findSimpleSignatures(client: RegistryClient, repo: Reference, digest: string): Promise<SimpleSignature[]> {
  const manifest = await client.findManifest(repo, `${digestTag(digest)}.sig`);
  const layers = manifest && 'layers' in manifest.json ? manifest.json.layers : [];
  const signed = layers.filter((layer) => layer.annotations?.[COSIGN_SIGNATURE]);
  return Promise.all(
    signed.map(async (layer) => ({
      form: 'simple-signing' as const,
      payload: await client.getSmallBlob(repo, layer.digest),
      signature: Buffer.from(layer.annotations![COSIGN_SIGNATURE], 'base64'),
      certificate: layer.annotations?.[COSIGN_CERTIFICATE],
      logEntry: layer.annotations?.[COSIGN_BUNDLE]
    }))
  );
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}
