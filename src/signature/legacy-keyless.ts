import { createHash, X509Certificate } from 'node:crypto';
import { BUNDLE_V01_MEDIA_TYPE, bundleFromJSON, type Bundle } from '@sigstore/bundle';

/** What cosign's legacy `.sig` layer carries for a keyless signature (SIGNATURE_SPEC.md). */
export interface LegacyKeylessSignature {
  payload: Buffer;
  signature: Buffer;
  /** The PEM leaf certificate (`dev.sigstore.cosign/certificate`). */
  certificate: string;
  /** The log entry and its signed entry timestamp (`dev.sigstore.cosign/bundle`), JSON. */
  logEntry: string;
}

/** cosign's `dev.sigstore.cosign/bundle` annotation: Rekor's SET and the fields it signs. */
interface CosignRekorBundle {
  SignedEntryTimestamp?: string;
  Payload?: { body?: string; integratedTime?: number; logIndex?: number; logID?: string };
}

interface RekorEntryBody {
  kind?: string;
  apiVersion?: string;
  spec?: { signature?: { publicKey?: { content?: string } } };
}

/**
 * The Sigstore bundle equivalent to a legacy keyless signature, as cosign and sigstore-go
 * rebuild it to verify: a message signature over the simple-signing payload, the leaf
 * certificate, and one tlog entry whose inclusion promise is Rekor's SET over the canonical
 * `{body, integratedTime, logIndex, logID}`. @sigstore/verify then checks the chain at the
 * entry's integrated time, the SET against the trusted root's logs, and that the entry's
 * body names this signature and the payload's digest.
 */
export function legacyKeylessBundle(found: LegacyKeylessSignature): Bundle {
  const rekor = JSON.parse(found.logEntry) as CosignRekorBundle;
  const entry = rekor.Payload;
  if (!rekor.SignedEntryTimestamp || !entry?.body || entry.integratedTime === undefined || entry.logIndex === undefined || !entry.logID) {
    throw new Error('its log entry lacks SignedEntryTimestamp or Payload fields');
  }
  const certificate = new X509Certificate(found.certificate).raw;
  const body = JSON.parse(Buffer.from(entry.body, 'base64').toString('utf8')) as RekorEntryBody;
  // @sigstore/verify compares the entry's signature and digest, not its key; cosign also
  // requires the entry's certificate to be the one shipped beside the signature.
  const logged = body.spec?.signature?.publicKey?.content;
  if (!logged || !sameCertificate(Buffer.from(logged, 'base64').toString('utf8'), certificate)) {
    throw new Error('its log entry names another certificate');
  }
  return bundleFromJSON({
    mediaType: BUNDLE_V01_MEDIA_TYPE,
    verificationMaterial: {
      // The chain annotation is not needed: the trusted root's CAs complete the path.
      x509CertificateChain: { certificates: [{ rawBytes: certificate.toString('base64') }] },
      tlogEntries: [
        {
          logIndex: String(entry.logIndex),
          logId: { keyId: Buffer.from(entry.logID, 'hex').toString('base64') },
          kindVersion: { kind: body.kind ?? '', version: body.apiVersion ?? '' },
          integratedTime: String(entry.integratedTime),
          inclusionPromise: { signedEntryTimestamp: rekor.SignedEntryTimestamp },
          canonicalizedBody: entry.body
        }
      ]
    },
    messageSignature: {
      messageDigest: { algorithm: 'SHA2_256', digest: createHash('sha256').update(found.payload).digest('base64') },
      signature: found.signature.toString('base64')
    }
  });
}

function sameCertificate(pem: string, der: Buffer): boolean {
  try {
    return new X509Certificate(pem).raw.equals(der);
  } catch {
    return false;
  }
}
