// Signatures stored the way cosign stores them, built by the tests from cosign's published
// specification (cosign is not installable here): the legacy form per SIGNATURE_SPEC.md (a
// `sha256-<hex>.sig` manifest whose layers are simple-signing payloads, the signature in the
// `dev.cosignproject.cosign/signature` annotation), and a Sigstore bundle (protobuf-specs JSON
// form, DSSE over an in-toto statement) as an OCI 1.1 referrer, listed in the `sha256-<hex>`
// tag-schema index that registries without the referrers API need.
import { sign, type KeyObject } from 'node:crypto';
import { bundleToJSON, toDSSEBundle } from '@sigstore/bundle';
import { sha256, type Blob } from './layers.js';
import { pushBlob, pushManifest, type PushTarget } from './push.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const BUNDLE_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';

function blob(bytes: Buffer | string, mediaType: string): Blob {
  const data = Buffer.from(bytes);
  return { bytes: data, digest: sha256(data), size: data.length, mediaType };
}

const descriptor = (b: Blob) => ({ mediaType: b.mediaType, digest: b.digest, size: b.size });

/** cosign's simple-signing payload for `digest` (SIGNATURE_SPEC.md). */
export function simpleSigningPayload(repo: string, digest: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      critical: {
        identity: { 'docker-reference': repo },
        image: { 'docker-manifest-digest': digest },
        type: 'cosign container image signature'
      },
      optional: null
    })
  );
}

/** Pushes `sha256-<hex>.sig`: one layer per payload, signed with `key` (or the signature given). */
export async function pushSimpleSignature(
  target: PushTarget,
  repo: string,
  digest: string,
  key: KeyObject,
  payload = simpleSigningPayload(repo, digest),
  signature?: Buffer
): Promise<void> {
  const sig = (signature ?? sign('sha256', payload, key)).toString('base64');
  await pushSignatureLayer(target, repo, digest, payload, { 'dev.cosignproject.cosign/signature': sig });
}

/** Pushes `sha256-<hex>.sig` with one simple-signing layer carrying `annotations` (signature, certificate, bundle...). */
export async function pushSignatureLayer(
  target: PushTarget,
  repo: string,
  digest: string,
  payload: Buffer,
  annotations: Record<string, string>
): Promise<void> {
  const layer = blob(payload, 'application/vnd.dev.cosign.simplesigning.v1+json');
  const config = blob('{}', 'application/vnd.oci.image.config.v1+json');
  for (const b of [layer, config]) await pushBlob(target, repo, b);
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: descriptor(config),
    layers: [{ ...descriptor(layer), annotations }]
  };
  await pushManifest(target, repo, `${digest.replace(':', '-')}.sig`, blob(JSON.stringify(manifest), OCI_MANIFEST));
}

/** The in-toto statement cosign signs into a bundle: its subject names the image's digest. */
export function statementFor(digest: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: 'image', digest: { sha256: digest.split(':')[1] } }],
      predicateType: 'https://sigstore.dev/cosign/sign/v1',
      predicate: {}
    })
  );
}

export const IN_TOTO = 'application/vnd.in-toto+json';

/** DSSE's pre-authentication encoding, what a DSSE signature covers. */
export function pae(type: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} ${type} ${body.length} `), body]);
}

/** A DSSE bundle signed with `key` over an in-toto statement naming `digest`, its key given by a hint. */
export function keyBundle(digest: string, key: KeyObject): unknown {
  const statement = statementFor(digest);
  const signature = sign('sha256', pae(IN_TOTO, statement), key);
  return bundleToJSON(toDSSEBundle({ artifact: statement, artifactType: IN_TOTO, signature, keyHint: 'test-key' }));
}

/** Pushes a bundle as a referrer of `digest` and lists it in an index under `indexTag` (the `sha256-<hex>` fallback by default). */
export async function pushBundleReferrer(
  target: PushTarget,
  repo: string,
  digest: string,
  bundle: unknown,
  indexTag = digest.replace(':', '-')
): Promise<string> {
  const layer = blob(JSON.stringify(bundle), BUNDLE_TYPE);
  const empty = blob('{}', 'application/vnd.oci.empty.v1+json');
  for (const b of [layer, empty]) await pushBlob(target, repo, b);
  const manifest = blob(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: BUNDLE_TYPE,
      config: descriptor(empty),
      layers: [descriptor(layer)],
      subject: { mediaType: OCI_INDEX, digest, size: 0 }
    }),
    OCI_MANIFEST
  );
  await pushManifest(target, repo, manifest.digest, manifest);
  const index = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ ...descriptor(manifest), artifactType: BUNDLE_TYPE }] };
  await pushManifest(target, repo, indexTag, blob(JSON.stringify(index), OCI_INDEX));
  return manifest.digest;
}
