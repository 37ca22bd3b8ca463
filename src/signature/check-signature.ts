import { createHash } from 'node:crypto';
import { bundleFromJSON, toMessageSignatureBundle, type Bundle } from '@sigstore/bundle';
import { Verifier, toSignedEntity, type SignedEntity, type TrustMaterial } from '@sigstore/verify';
import type { SignedBy } from '../lockfile/lockfile.js';
import { legacyKeylessBundle } from './legacy-keyless.js';
import type { FoundSignature } from './signature-store.js';
import type { Signer } from './trust-policy.js';

export type SignatureCheck = { signedBy: SignedBy } | { problem: string };

// A certificate is trusted only at the time a log saw the signature; without cosign's Rekor
// bundle there is no such time, and image-lock does not query a log.
const NO_LOG_ENTRY =
  'a keyless signature without its transparency log entry (no dev.sigstore.cosign/bundle annotation): it cannot be verified';

/**
 * Checks one stored signature of `digest` against a rule's signers: the signed payload must
 * name this digest, the signature must verify (with @sigstore/verify), and the signer must be
 * one the rule allows. Keyless signers need the trusted root's CAs and logs (`keyless`).
 */
export function checkSignature(found: FoundSignature, digest: string, signers: Signer[], keyless?: TrustMaterial): SignatureCheck {
  if (found.form === 'simple-signing' && found.certificate && !found.logEntry) return { problem: NO_LOG_ENTRY };
  let signed: { entity: SignedEntity; subject?: string; keyed: boolean };
  try {
    signed = signedEntity(found);
  } catch (error) {
    return { problem: `an unreadable signature (${(error as Error).message})` };
  }
  if (signed.subject !== digest) return { problem: `a signature for another digest (${signed.subject ?? 'none named'})` };
  const problems: string[] = [];
  for (const signer of signers) {
    try {
      if ('key' in signer) {
        if (!signed.keyed) continue;
        new Verifier(keyMaterial(signer), { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }).verify(signed.entity);
        return { signedBy: { key: signer.fingerprint } };
      }
      if (signed.keyed || !keyless) continue;
      // A private deployment may run no certificate transparency log: then no SCT is asked for.
      const identity = new Verifier(keyless, { ctlogThreshold: keyless.ctlogs.length > 0 ? 1 : 0 }).verify(signed.entity).identity;
      const san = identity?.subjectAlternativeName ?? '';
      const issuer = identity?.extensions?.issuer ?? '';
      if (issuer === signer.issuer && (signer.identity === san || signer.identityRegexp?.test(san))) {
        return { signedBy: { identity: san, issuer } };
      }
      problems.push(`signed by ${san} (issuer ${issuer})`);
    } catch (error) {
      problems.push(`a signature that does not verify (${(error as Error).message})`);
    }
  }
  return {
    problem:
      problems[0] ??
      (signed.keyed ? 'a key signature, no key in the policy matches it' : 'a keyless signature, and no keyless signer or trusted root')
  };
}

/** The signed entity and the digest its payload names, from either storage form. */
function signedEntity(found: FoundSignature): { entity: SignedEntity; subject?: string; keyed: boolean } {
  if (found.form === 'simple-signing') {
    // cosign's simple-signing payload (SIGNATURE_SPEC.md): the signature covers these exact bytes.
    const payload = JSON.parse(found.payload.toString('utf8')) as { critical?: { image?: Record<string, string> } };
    const subject = payload.critical?.image?.['docker-manifest-digest'];
    const { certificate, logEntry } = found;
    const bundle =
      certificate && logEntry
        ? legacyKeylessBundle({ ...found, certificate, logEntry })
        : toMessageSignatureBundle({
            digest: createHash('sha256').update(found.payload).digest(),
            signature: found.signature,
            keyHint: 'policy-key'
          });
    return { entity: toSignedEntity(bundle, found.payload), subject, keyed: !certificate };
  }
  const bundle: Bundle = bundleFromJSON(found.bundle);
  const keyed = bundle.verificationMaterial.content.$case === 'publicKey';
  return { entity: toSignedEntity(bundle), subject: bundleSubject(bundle), keyed };
}

/** A DSSE bundle signs an in-toto statement whose subject names the image's digest. */
function bundleSubject(bundle: Bundle): string | undefined {
  if (bundle.content.$case !== 'dsseEnvelope') return undefined;
  const statement = JSON.parse(bundle.content.dsseEnvelope.payload.toString('utf8')) as { subject?: { digest?: Record<string, string> }[] };
  const hex = statement.subject?.[0]?.digest?.sha256;
  return hex ? `sha256:${hex}` : undefined;
}

function keyMaterial(signer: Extract<Signer, { key: unknown }>): TrustMaterial {
  return {
    certificateAuthorities: [],
    timestampAuthorities: [],
    tlogs: [],
    ctlogs: [],
    publicKey: () => ({ publicKey: signer.key, validFor: () => true })
  };
}
