import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseReference } from '../../src/name/reference.js';
import { RegistryClient } from '../../src/remote/registry-client.js';
import { loadTrustPolicy, keyFingerprint } from '../../src/signature/trust-policy.js';
import { verifySignatures, type SignatureOutcome } from '../../src/signature/verify-signatures.js';
import { pushRelease, twoPlatforms } from '../cli/releases.js';
import { loadTestEnv } from '../env/env.js';
import { keyBundle, pushBundleReferrer, pushSimpleSignature, simpleSigningPayload } from '../env/cosign-store.js';

const env = loadTestEnv();
const registry = { url: env.registries.anonymous.url };
const host = env.registries.anonymous.host;
const trusted = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' });

async function outcome(repo: string, digest: string): Promise<SignatureOutcome> {
  const dir = await mkdtemp(join(tmpdir(), 'trust-'));
  await writeFile(join(dir, 'cosign.pub'), trusted.publicKey.export({ type: 'spki', format: 'pem' }));
  await writeFile(join(dir, 'trust.yml'), `signatures:\n  - images: ["${host}/signed-*"]\n    keys: [cosign.pub]\n`);
  const policy = await loadTrustPolicy(dir, 'trust.yml');
  const client = new RegistryClient();
  try {
    const [result] = await verifySignatures(client, [{ reference: parseReference(`${host}/${repo}:1`), digest }], policy, 4);
    return result;
  } finally {
    await client.close();
  }
}

async function release(repo: string): Promise<string> {
  return (await pushRelease(repo, '1', twoPlatforms(`${repo} a`, `${repo} b`))).digest;
}

describe('signatures of locked digests, key pair, on the real registry', () => {
  const fingerprint = keyFingerprint(trusted.publicKey);

  test('a legacy sha256-<hex>.sig simple-signing signature by the policy key', async () => {
    const digest = await release('signed-legacy/app');
    await pushSimpleSignature(registry, 'signed-legacy/app', digest, trusted.privateKey);
    expect(await outcome('signed-legacy/app', digest)).toMatchObject({ status: 'signed', signedBy: { key: fingerprint } });
  });

  test('a Sigstore bundle found through the referrers tag fallback (distribution 2.8 has no referrers API)', async () => {
    const digest = await release('signed-bundle/app');
    await pushBundleReferrer(registry, 'signed-bundle/app', digest, keyBundle(digest, trusted.privateKey));
    expect(await outcome('signed-bundle/app', digest)).toMatchObject({ status: 'signed', signedBy: { key: fingerprint } });
  });

  test('a tampered payload does not verify', async () => {
    const digest = await release('signed-tampered/app');
    const payload = simpleSigningPayload('signed-tampered/app', digest);
    const tampered = Buffer.from(payload.toString('utf8').replace('cosign container image signature', 'cosign container image signaturE'));
    await pushSimpleSignature(
      registry,
      'signed-tampered/app',
      digest,
      trusted.privateKey,
      tampered,
      sign('sha256', payload, trusted.privateKey)
    );
    const result = await outcome('signed-tampered/app', digest);
    expect(result).toMatchObject({ status: 'rejected' });
    expect(result).toHaveProperty('message', expect.stringMatching(/does not verify.*the policy wants key sha256:/));
  });

  test('a signature for another digest is refused, naming that digest', async () => {
    const digest = await release('signed-other/app');
    const other = await release('signed-other/lib');
    await pushSimpleSignature(registry, 'signed-other/app', digest, trusted.privateKey, simpleSigningPayload('signed-other/app', other));
    expect(await outcome('signed-other/app', digest)).toHaveProperty('message', expect.stringContaining(`another digest (${other})`));
  });

  test('a signature by another key is refused, in both forms', async () => {
    const digest = await release('signed-stranger/app');
    await pushSimpleSignature(registry, 'signed-stranger/app', digest, stranger.privateKey);
    await pushBundleReferrer(registry, 'signed-stranger/app', digest, keyBundle(digest, stranger.privateKey));
    const result = await outcome('signed-stranger/app', digest);
    expect(result).toMatchObject({ status: 'rejected' });
    expect(result).toHaveProperty(
      'message',
      expect.stringMatching(/signed-stranger\/app:1 \(sha256:.*does not verify.*; .*does not verify/)
    );
  });

  test('an unsigned image under the policy is unsigned; one no rule matches needs none', async () => {
    const digest = await release('signed-missing/app');
    expect(await outcome('signed-missing/app', digest)).toMatchObject({ status: 'unsigned' });
    const free = await release('free/app');
    expect(await outcome('free/app', free)).toMatchObject({ status: 'no-rule' });
  });
});
