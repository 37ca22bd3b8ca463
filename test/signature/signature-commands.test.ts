import { generateKeyPairSync } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { keyFingerprint } from '../../src/signature/trust-policy.js';
import { cli, workspace } from '../cli/helpers.js';
import { pushRelease, twoPlatforms } from '../cli/releases.js';
import { loadTestEnv } from '../env/env.js';
import { keyBundle, pushBundleReferrer, pushSimpleSignature } from '../env/cosign-store.js';
import { referrersTag, startReferrersFront, type ReferrersFront } from './referrers-front.js';

const env = loadTestEnv();
const registry = { url: env.registries.anonymous.url };
const host = env.registries.anonymous.host;
const trusted = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const fingerprint = keyFingerprint(trusted.publicKey);
const SIGN = ['--verify-signatures', 'error', '--trust-policy', 'trust.yml'];

async function signedWorkspace(dockerfile: string): Promise<string> {
  const dir = await workspace({
    Dockerfile: dockerfile,
    'trust.yml': 'signatures:\n  - images: ["*/sig-cli/*"]\n    keys: [cosign.pub]\n'
  });
  await writeFile(join(dir, 'cosign.pub'), trusted.publicKey.export({ type: 'spki', format: 'pem' }));
  return dir;
}

interface Locked {
  images: Record<string, { digest: string; signedBy?: unknown }>;
}
const lockfileOf = async (dir: string) => JSON.parse(await readFile(join(dir, 'image-lock.json'), 'utf8')) as Locked;

describe('signature policies in lock, verify and update (key pair, real registry)', () => {
  let front: ReferrersFront;
  beforeAll(async () => {
    front = await startReferrersFront(env.registries.anonymous.url);
  });
  afterAll(() => front.stop());

  test('lock records the key that signed each image; verify passes, and fails naming an unsigned one', async () => {
    const app = await pushRelease('sig-cli/app', '1', twoPlatforms('sig app a', 'sig app b'));
    const free = await pushRelease('sig-free/tool', '1', twoPlatforms('free a', 'free b'));
    await pushSimpleSignature(registry, 'sig-cli/app', app.digest, trusted.privateKey);
    const dir = await signedWorkspace(`FROM ${host}/sig-cli/app:1\nFROM ${host}/sig-free/tool:1\n`);
    expect((await cli(dir, 'lock', ...SIGN)).code).toBe(0);
    const images = (await lockfileOf(dir)).images;
    expect(images[`${host}/sig-cli/app:1`].signedBy).toEqual({ key: fingerprint });
    expect(images[`${host}/sig-free/tool:1`].signedBy).toBeUndefined();
    expect(free.digest).toBe(images[`${host}/sig-free/tool:1`].digest);
    expect((await cli(dir, 'verify', ...SIGN)).code).toBe(0);

    const unsigned = await pushRelease('sig-cli/unsigned', '1', twoPlatforms('unsigned a', 'unsigned b'));
    await writeFile(join(dir, 'Dockerfile'), `FROM ${host}/sig-cli/app:1\nFROM ${host}/sig-cli/unsigned:1\n`);
    expect((await cli(dir, 'lock')).code).toBe(0);
    const failed = await cli(dir, 'verify', ...SIGN);
    expect(failed.code).toBe(1);
    expect(failed.stdout + failed.stderr).toContain(
      `${host}/sig-cli/unsigned:1 (${unsigned.digest}) has no signature; the policy wants key ${fingerprint}`
    );
    const warned = await cli(dir, 'verify', '--verify-signatures', 'warn', '--trust-policy', 'trust.yml');
    expect(warned.code).toBe(0);
  });

  test('pin records the signer under the pinned key, and reports an unsigned image as lock does', async () => {
    const app = await pushRelease('sig-cli/pinned', '1', twoPlatforms('pinned a', 'pinned b'));
    const unsigned = await pushRelease('sig-cli/pinned-unsigned', '1', twoPlatforms('pinned unsigned a', 'pinned unsigned b'));
    await pushSimpleSignature(registry, 'sig-cli/pinned', app.digest, trusted.privateKey);
    const dir = await signedWorkspace(`FROM ${host}/sig-cli/pinned:1
FROM ${host}/sig-cli/pinned-unsigned:1
`);
    const pinned = await cli(dir, 'pin', ...SIGN);
    expect(pinned.code).toBe(1);
    expect(pinned.stdout + pinned.stderr).toContain(`${host}/sig-cli/pinned-unsigned:1 (${unsigned.digest}) has no signature`);
    const images = (await lockfileOf(dir)).images;
    expect(images[`${host}/sig-cli/pinned:1@${app.digest}`].signedBy).toEqual({ key: fingerprint });
    expect(images[`${host}/sig-cli/pinned-unsigned:1@${unsigned.digest}`].signedBy).toBeUndefined();
  });

  test('update takes a moved tag only when its new digest is signed, and records the signer', async () => {
    const first = await pushRelease('sig-cli/moving', '1', twoPlatforms('moving 1 a', 'moving 1 b'));
    const ref = `${host}/sig-cli/moving:1`;
    const dir = await signedWorkspace(`FROM ${ref}@${first.digest}\n`);
    expect((await cli(dir, 'lock')).code).toBe(0);
    const second = await pushRelease('sig-cli/moving', '1', twoPlatforms('moving 2 a', 'moving 2 b'));

    const held = await cli(dir, 'update', '--json', ...SIGN);
    expect(JSON.parse(held.stdout).skipped).toEqual([
      expect.objectContaining({ to: second.digest, status: 'unsigned', signature: expect.stringContaining('has no signature') })
    ]);
    expect(await readFile(join(dir, 'Dockerfile'), 'utf8')).toContain(first.digest);

    await pushBundleReferrer(registry, 'sig-cli/moving', second.digest, keyBundle(second.digest, trusted.privateKey));
    const taken = await cli(dir, 'update', '--json', ...SIGN);
    expect(taken.code).toBe(0);
    expect(await readFile(join(dir, 'Dockerfile'), 'utf8')).toContain(second.digest);
    expect((await lockfileOf(dir)).images[`${ref}@${second.digest}`].signedBy).toEqual({ key: fingerprint });
  });

  test('a bundle found through the referrers API, when the registry has one', async () => {
    const image = await pushRelease('sig-cli/referred', '1', twoPlatforms('referred a', 'referred b'));
    await pushBundleReferrer(
      registry,
      'sig-cli/referred',
      image.digest,
      keyBundle(image.digest, trusted.privateKey),
      referrersTag(image.digest)
    );
    const viaFront = await signedWorkspace(`FROM ${front.host}/sig-cli/referred:1\n`);
    expect((await cli(viaFront, 'lock', ...SIGN)).code).toBe(0);
    expect((await lockfileOf(viaFront)).images[`${front.host}/sig-cli/referred:1`].signedBy).toEqual({ key: fingerprint });
    expect(front.referrerRequests).toEqual([`/v2/sig-cli/referred/referrers/${image.digest}`]);
    // The registry itself has no referrers API and no fallback tag for it: unsigned there.
    const direct = await signedWorkspace(`FROM ${host}/sig-cli/referred:1\n`);
    expect((await cli(direct, 'lock', ...SIGN)).code).toBe(1);
  });
});
