// What the keyless signature tests share: the GitHub workflow identity that signs, a folder
// holding the private Sigstore's trusted root and a policy trusting that workflow's
// repository, and a verification of one pushed image against them, as `verify` makes it.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseReference } from '../../src/name/reference.js';
import { RegistryClient } from '../../src/remote/registry-client.js';
import { loadTrustedRoot } from '../../src/signature/trusted-root.js';
import { loadTrustPolicy } from '../../src/signature/trust-policy.js';
import { verifySignatures, type SignatureOutcome } from '../../src/signature/verify-signatures.js';
import type { PrivateSigstore } from './private-sigstore.js';

export const WORKFLOW = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.0.0';
export const GITHUB = 'https://token.actions.githubusercontent.com';

/** `root.json` (the private Sigstore's trusted root) and `trust.yml` (WORKFLOW's repository may sign `images`) in a new folder. */
export async function keylessWorkspace(sigstore: PrivateSigstore, images: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'keyless-'));
  await writeFile(join(dir, 'root.json'), JSON.stringify(sigstore.trustedRoot));
  await writeFile(
    join(dir, 'trust.yml'),
    `signatures:\n  - images: ["${images}"]\n    keyless:\n      - identity-regexp: ^https://github\\.com/acme/app/\\.github/workflows/release\\.yml@refs/tags/v\n        issuer: ${GITHUB}\n`
  );
  return dir;
}

/** The outcome for `reference` locked at `digest`, checked against the workspace's policy and trusted root. */
export async function verifyKeyless(dir: string, reference: string, digest: string): Promise<SignatureOutcome> {
  const [policy, keyless] = await Promise.all([loadTrustPolicy(dir, 'trust.yml'), loadTrustedRoot(dir, 'root.json')]);
  const client = new RegistryClient();
  try {
    const [result] = await verifySignatures(client, [{ reference: parseReference(reference), digest }], policy, 4, keyless);
    return result;
  } finally {
    await client.close();
  }
}
