import type { SignatureOutcome } from '../../src/signature/verify-signatures.js';
import { pushRelease, twoPlatforms } from '../cli/releases.js';
import { loadTestEnv } from '../env/env.js';
import { pushBundleReferrer } from '../env/cosign-store.js';
import { GITHUB, WORKFLOW, keylessWorkspace, verifyKeyless } from './keyless-workspace.js';
import { startPrivateSigstore, type PrivateSigstore } from './private-sigstore.js';

const env = loadTestEnv();
const registry = { url: env.registries.anonymous.url };
const host = env.registries.anonymous.host;
const MINUTE = 60_000;

describe('keyless signatures against a private trusted root (real registry)', () => {
  let sigstore: PrivateSigstore;
  let dir: string;
  beforeAll(async () => {
    sigstore = await startPrivateSigstore();
    dir = await keylessWorkspace(sigstore, '*/keyless/*');
  });

  async function outcome(repo: string, bundle: (digest: string) => Promise<unknown>): Promise<[SignatureOutcome, string]> {
    const { digest } = await pushRelease(repo, '1', twoPlatforms(`${repo} a`, `${repo} b`));
    await pushBundleReferrer(registry, repo, digest, await bundle(digest));
    return [await verifyKeyless(dir, `${host}/${repo}:1`, digest), digest];
  }

  test('a GitHub workflow identity the policy names: signed, identity and issuer recorded', async () => {
    const [result] = await outcome('keyless/good', (digest) => sigstore.bundle(digest, WORKFLOW, GITHUB));
    expect(result).toEqual({ key: `${host}/keyless/good:1`, status: 'signed', signedBy: { identity: WORKFLOW, issuer: GITHUB } });
  });

  test('another identity is refused, naming the signer found and what the policy wanted', async () => {
    const other = 'https://github.com/mallory/app/.github/workflows/release.yml@refs/tags/v1.0.0';
    const [result] = await outcome('keyless/identity', (digest) => sigstore.bundle(digest, other, GITHUB));
    expect(result).toMatchObject({ status: 'rejected' });
    expect(result).toHaveProperty(
      'message',
      expect.stringContaining(`signed by ${other} (issuer ${GITHUB}); the policy wants identity matching`)
    );
  });

  test('the right identity from another issuer is refused', async () => {
    const [result] = await outcome('keyless/issuer', (digest) => sigstore.bundle(digest, WORKFLOW, 'https://accounts.example.com'));
    expect(result).toHaveProperty('message', expect.stringContaining('(issuer https://accounts.example.com)'));
  });

  test('a certificate that expired before the log saw the signature is refused', async () => {
    const [result] = await outcome('keyless/expired', (digest) =>
      sigstore.bundle(digest, WORKFLOW, GITHUB, { certificateLifetimeMs: MINUTE / 2, logDelayMs: MINUTE })
    );
    expect(result).toHaveProperty('message', expect.stringContaining('does not verify (Failed to verify certificate chain)'));
    // The control: as short-lived and as expired by now, but logged while valid, as Fulcio's certificates are.
    const [logged] = await outcome('keyless/short-lived', (digest) =>
      sigstore.bundle(digest, WORKFLOW, GITHUB, { certificateLifetimeMs: MINUTE / 2 })
    );
    expect(logged).toMatchObject({ status: 'signed' });
  });

  test('a keyless signature for another digest is refused', async () => {
    const other = `sha256:${'a'.repeat(64)}`;
    const [result] = await outcome('keyless/other', (digest) => sigstore.bundle(digest, WORKFLOW, GITHUB, { subjectDigest: other }));
    expect(result).toHaveProperty('message', expect.stringContaining(`another digest (${other})`));
  });

  test('a certificate from a CA outside the trusted root is refused', async () => {
    const stranger = await startPrivateSigstore();
    const [result] = await outcome('keyless/stranger', (digest) => stranger.bundle(digest, WORKFLOW, GITHUB));
    expect(result).toHaveProperty('message', expect.stringContaining('does not verify'));
  });
});
