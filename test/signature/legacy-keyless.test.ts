// Keyless signatures in cosign's legacy `sha256-<hex>.sig` form, made by the tests' private
// Sigstore and pushed to the real test registry. cosign is not available here: the layer's
// payload and annotations, Rekor's hashedrekord entry body and the SET's signed bytes are built
// from cosign's published SIGNATURE_SPEC.md (and Rekor's types it refers to) in
// private-sigstore.ts and private-rekor.ts.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SignatureOutcome } from '../../src/signature/verify-signatures.js';
import { cli } from '../cli/helpers.js';
import { pushRelease, twoPlatforms } from '../cli/releases.js';
import { loadTestEnv } from '../env/env.js';
import { pushSignatureLayer, simpleSigningPayload } from '../env/cosign-store.js';
import { GITHUB, WORKFLOW, keylessWorkspace, verifyKeyless } from './keyless-workspace.js';
import { startPrivateSigstore, type LegacyFaults, type PrivateSigstore } from './private-sigstore.js';

const env = loadTestEnv();
const registry = { url: env.registries.anonymous.url };
const host = env.registries.anonymous.host;
const MINUTE = 60_000;

describe('keyless signatures in the legacy .sig form, against a private trusted root (real registry)', () => {
  let sigstore: PrivateSigstore;
  let dir: string;
  beforeAll(async () => {
    sigstore = await startPrivateSigstore();
    dir = await keylessWorkspace(sigstore, '*/legacy-keyless/*');
  });

  /** Pushes an image and its legacy keyless signature (by `identity` of `issuer`, with `faults`), then verifies it. */
  async function outcome(repo: string, identity = WORKFLOW, issuer = GITHUB, faults: (digest: string) => LegacyFaults = () => ({})) {
    const { digest } = await pushRelease(repo, '1', twoPlatforms(`${repo} a`, `${repo} b`));
    const signature = await sigstore.legacy(repo, digest, identity, issuer, faults(digest));
    await pushSignatureLayer(registry, repo, digest, signature.payload, signature.annotations);
    return verifyKeyless(dir, `${host}/${repo}:1`, digest);
  }

  const message = (result: SignatureOutcome) => ('message' in result ? result.message : JSON.stringify(result));

  test('a GitHub workflow identity the policy names: signed, identity and issuer recorded', async () => {
    expect(await outcome('legacy-keyless/good')).toEqual({
      key: `${host}/legacy-keyless/good:1`,
      status: 'signed',
      signedBy: { identity: WORKFLOW, issuer: GITHUB }
    });
  });

  test('another identity is refused, naming the signer found and what the policy wanted', async () => {
    const other = 'https://github.com/mallory/app/.github/workflows/release.yml@refs/tags/v1.0.0';
    const result = await outcome('legacy-keyless/identity', other);
    expect(result.status).toBe('rejected');
    expect(message(result)).toContain(`signed by ${other} (issuer ${GITHUB}); the policy wants identity matching`);
  });

  test('the right identity from another issuer is refused', async () => {
    const result = await outcome('legacy-keyless/issuer', WORKFLOW, 'https://accounts.example.com');
    expect(result.status).toBe('rejected');
    expect(message(result)).toContain(`signed by ${WORKFLOW} (issuer https://accounts.example.com)`);
  });

  test('a tampered payload does not verify', async () => {
    const result = await outcome('legacy-keyless/tampered', WORKFLOW, GITHUB, (digest) => ({
      // Still names the digest, so only the signature check can catch it.
      tamperedPayload: Buffer.from(simpleSigningPayload('legacy-keyless/tampered', digest).toString('utf8').replace('}', ',"x":1}'))
    }));
    expect(result.status).toBe('rejected');
    expect(message(result)).toContain('a signature that does not verify (digest mismatch)');
  });

  test('a SET the log made for another entry body is refused', async () => {
    const result = await outcome('legacy-keyless/set', WORKFLOW, GITHUB, () => ({ setForAnotherBody: true }));
    expect(result.status).toBe('rejected');
    expect(message(result)).toContain('does not verify (inclusion promise could not be verified)');
  });

  test('a log entry naming another certificate than the annotation is refused', async () => {
    const stranger = await startPrivateSigstore();
    const logged = (await stranger.legacy('x', `sha256:${'b'.repeat(64)}`, WORKFLOW, GITHUB)).annotations[
      'dev.sigstore.cosign/certificate'
    ];
    const result = await outcome('legacy-keyless/logged-cert', WORKFLOW, GITHUB, () => ({ loggedCertificate: logged }));
    expect(result.status).toBe('rejected');
    expect(message(result)).toContain('its log entry names another certificate');
  });

  test('a certificate that expired before the log saw the signature is refused; one logged while valid is not', async () => {
    const expired = await outcome('legacy-keyless/expired', WORKFLOW, GITHUB, () => ({
      certificateLifetimeMs: MINUTE / 2,
      logDelayMs: MINUTE
    }));
    expect(expired.status).toBe('rejected');
    expect(message(expired)).toContain('does not verify (Failed to verify certificate chain)');
    // The control: as short-lived and as expired by now, but logged while valid, as Fulcio's certificates are.
    const logged = await outcome('legacy-keyless/short-lived', WORKFLOW, GITHUB, () => ({ certificateLifetimeMs: MINUTE / 2 }));
    expect(logged.status).toBe('signed');
  });

  test('without its dev.sigstore.cosign/bundle annotation it cannot be verified, and says so', async () => {
    const result = await outcome('legacy-keyless/unlogged', WORKFLOW, GITHUB, () => ({ withoutLogEntry: true }));
    expect(result.status).toBe('rejected');
    expect(message(result)).toContain(
      'found a keyless signature without its transparency log entry (no dev.sigstore.cosign/bundle annotation): it cannot be verified'
    );
  });

  test('lock --trusted-root records the keyless signer of a legacy signature in the lockfile', async () => {
    const repo = 'legacy-keyless/cli';
    const { digest } = await pushRelease(repo, '1', twoPlatforms('legacy cli a', 'legacy cli b'));
    const signature = await sigstore.legacy(repo, digest, WORKFLOW, GITHUB);
    await pushSignatureLayer(registry, repo, digest, signature.payload, signature.annotations);
    await writeFile(join(dir, 'Dockerfile'), `FROM ${host}/${repo}:1\n`);
    const args = ['--verify-signatures', 'error', '--trust-policy', 'trust.yml', '--trusted-root', 'root.json'];
    expect((await cli(dir, 'lock', ...args)).code).toBe(0);
    const locked = JSON.parse(await readFile(join(dir, 'image-lock.json'), 'utf8')) as { images: Record<string, { signedBy?: unknown }> };
    expect(locked.images[`${host}/${repo}:1`].signedBy).toEqual({ identity: WORKFLOW, issuer: GITHUB });
  });
});
