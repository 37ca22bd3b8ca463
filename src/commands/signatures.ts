import type { TrustMaterial } from '@sigstore/verify';
import type { SignedBy } from '../lockfile/lockfile.js';
import type { RegistryClient } from '../remote/registry-client.js';
import { loadTrustedRoot } from '../signature/trusted-root.js';
import { loadPublicGoodRoot } from '../signature/public-good-root.js';
import { loadTrustPolicy, type TrustPolicy } from '../signature/trust-policy.js';
import { verifySignatures, type LockedDigest } from '../signature/verify-signatures.js';
import type { CommandOptions } from './options.js';
import type { SignatureOptions } from './signature-options.js';
import type { Notice } from './report.js';

/** The trust policy and trusted root, read once per run. */
export interface SignatureCheck {
  options: SignatureOptions;
  policy: TrustPolicy;
  keyless?: TrustMaterial;
}

export interface SignatureReport {
  /** The verified signer of each reference that has one. */
  signedBy: Map<string, SignedBy>;
  /** Why each reference the policy covers is not signed as it says. */
  problems: Map<string, string>;
  /** The problems at the level the user chose. */
  failures: Notice[];
  warnings: Notice[];
}

/**
 * Reads the policy and the trusted root when `--verify-signatures` is on; undefined when it is
 * off. The trusted root is `--trusted-root`'s, else Sigstore's public-good one, fetched only
 * when the policy names a keyless signer, and once per run: every digest is checked against it.
 */
export async function loadSignatureCheck(options: CommandOptions): Promise<SignatureCheck | undefined> {
  const signatures = options.signatures;
  if (!signatures) return undefined;
  const policy = await loadTrustPolicy(options.cwd, signatures.policy);
  const keyless = signatures.trustedRoot
    ? await loadTrustedRoot(options.cwd, signatures.trustedRoot)
    : hasKeylessSigners(policy)
      ? await loadPublicGoodRoot(signatures.publicGood)
      : undefined;
  return { options: signatures, policy, keyless };
}

/** Checks the signatures of `locked`, fetched `concurrency` digests at a time. */
export async function checkSignatures(
  client: RegistryClient,
  check: SignatureCheck | undefined,
  locked: LockedDigest[],
  concurrency: number
): Promise<SignatureReport> {
  const report: SignatureReport = { signedBy: new Map(), problems: new Map(), failures: [], warnings: [] };
  if (!check) return report;
  for (const outcome of await verifySignatures(client, locked, check.policy, concurrency, check.keyless)) {
    if (outcome.status === 'signed') report.signedBy.set(outcome.key, outcome.signedBy);
    if (outcome.status !== 'unsigned' && outcome.status !== 'rejected') continue;
    report.problems.set(outcome.key, outcome.message);
    (check.options.level === 'error' ? report.failures : report.warnings).push({ message: outcome.message });
  }
  return report;
}

function hasKeylessSigners(policy: TrustPolicy): boolean {
  return policy.rules.some((rule) => rule.signers.some((signer) => !('key' in signer)));
}
