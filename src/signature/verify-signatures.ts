import type { TrustMaterial } from '@sigstore/verify';
import type { Reference } from '../name/reference.js';
import type { RegistryClient } from '../remote/registry-client.js';
import { mapLimit } from '../util/map-limit.js';
import type { SignedBy } from '../lockfile/lockfile.js';
import { checkSignature } from './check-signature.js';
import { findSignatures } from './signature-store.js';
import { ruleFor, type TrustPolicy } from './trust-policy.js';

export interface LockedDigest {
  reference: Reference;
  digest: string;
}

/** The outcome for one locked digest: its signer, or why none the policy allows was found. */
export type SignatureOutcome =
  | { key: string; status: 'signed'; signedBy: SignedBy }
  | { key: string; status: 'unsigned' | 'rejected'; message: string }
  | { key: string; status: 'no-rule' };

/** Checks every locked digest's signatures against the policy, fetching them in parallel. */
export async function verifySignatures(
  client: RegistryClient,
  locked: LockedDigest[],
  policy: TrustPolicy,
  concurrency: number,
  keyless?: TrustMaterial
): Promise<SignatureOutcome[]> {
  return mapLimit(locked, concurrency, async ({ reference, digest }) => {
    const key = reference.toString();
    const rule = ruleFor(policy, reference);
    if (!rule) return { key, status: 'no-rule' as const };
    const found = await findSignatures(client, reference, digest);
    if (found.length === 0)
      return { key, status: 'unsigned' as const, message: `${key} (${digest}) has no signature; the policy wants ${wanted(rule.signers)}` };
    const checks = found.map((signature) => checkSignature(signature, digest, rule.signers, keyless));
    const good = checks.find((check) => 'signedBy' in check);
    if (good && 'signedBy' in good) return { key, status: 'signed' as const, signedBy: good.signedBy };
    const problems = checks.map((check) => ('problem' in check ? check.problem : '')).join('; ');
    return { key, status: 'rejected' as const, message: `${key} (${digest}): found ${problems}; the policy wants ${wanted(rule.signers)}` };
  });
}

function wanted(signers: TrustPolicyRuleSigners): string {
  return signers
    .map((signer) =>
      'key' in signer
        ? `key ${signer.fingerprint}`
        : `${signer.identity ?? `identity matching /${signer.identityRegexp?.source}/`} from ${signer.issuer}`
    )
    .join(' or ');
}

type TrustPolicyRuleSigners = TrustPolicy['rules'][number]['signers'];
