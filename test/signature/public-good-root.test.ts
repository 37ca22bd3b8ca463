// Keyless signatures without --trusted-root: the trusted root comes from a TUF repository,
// Sigstore's public-good one by default. This machine has no internet, so the tests serve a
// TUF repository on loopback (tuf-mirror.ts) and point image-lock at it with
// IMAGE_LOCK_TUF_MIRROR and IMAGE_LOCK_TUF_ROOT, as an air-gapped mirror would be set up.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { run } from '../../src/cli/run.js';
import { pushRelease, twoPlatforms } from '../cli/releases.js';
import { loadTestEnv } from '../env/env.js';
import { pushBundleReferrer, pushSignatureLayer, pushSimpleSignature } from '../env/cosign-store.js';
import { GITHUB, WORKFLOW } from './keyless-workspace.js';
import { startPrivateSigstore, type PrivateSigstore } from './private-sigstore.js';
import { startTufMirror, type TufMirror } from './tuf-mirror.js';

const env = loadTestEnv();
const registry = { url: env.registries.anonymous.url };
const host = env.registries.anonymous.host;
const SIGN = ['--verify-signatures', 'error', '--trust-policy', 'trust.yml'];
const KEYLESS_POLICY = `signatures:\n  - images: ["*/tuf-root/*"]\n    keyless:\n      - identity: ${WORKFLOW}\n        issuer: ${GITHUB}\n`;

/** A workspace locking `images`, under `policy`, with its own TUF cache folder. */
async function workspace(images: string[], policy = KEYLESS_POLICY): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tuf-root-'));
  await writeFile(join(dir, 'Dockerfile'), images.map((image) => `FROM ${host}/${image}:1\n`).join(''));
  await writeFile(join(dir, 'trust.yml'), policy);
  return dir;
}

/** The CLI in-process with the TUF mirror settings and the user's cache folder under `dir`. */
async function cli(dir: string, mirror: { url: string; root?: Buffer }, ...args: string[]) {
  let rootFile: string | undefined;
  if (mirror.root) await writeFile((rootFile = join(dir, 'tuf-root.json')), mirror.root);
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    cwd: dir,
    env: { XDG_CACHE_HOME: join(dir, '.cache'), IMAGE_LOCK_TUF_MIRROR: mirror.url, IMAGE_LOCK_TUF_ROOT: rootFile },
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text)
  });
  return { code, stdout, stderr };
}

async function signedImage(sigstore: PrivateSigstore, repo: string, form: 'bundle' | 'legacy'): Promise<void> {
  const { digest } = await pushRelease(repo, '1', twoPlatforms(`${repo} a`, `${repo} b`));
  if (form === 'bundle') return void (await pushBundleReferrer(registry, repo, digest, await sigstore.bundle(digest, WORKFLOW, GITHUB)));
  const legacy = await sigstore.legacy(repo, digest, WORKFLOW, GITHUB);
  await pushSignatureLayer(registry, repo, digest, legacy.payload, legacy.annotations);
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('the trusted root from TUF when no --trusted-root is given (loopback TUF mirror, real registry)', () => {
  let sigstore: PrivateSigstore;
  let mirror: TufMirror;
  beforeAll(async () => {
    sigstore = await startPrivateSigstore();
    // The mirror publishes the private Sigstore's trusted root, standing in for the public-good one.
    mirror = await startTufMirror(sigstore.trustedRoot);
    await signedImage(sigstore, 'tuf-root/bundle', 'bundle');
    await signedImage(sigstore, 'tuf-root/legacy', 'legacy');
  });
  afterAll(() => mirror.stop());

  test('lock gets the trusted root through TUF once for the run, and verify reuses the cached target', async () => {
    const dir = await workspace(['tuf-root/bundle', 'tuf-root/legacy']);
    const locked = await cli(dir, mirror, 'lock', ...SIGN);
    expect(locked.code).toBe(0);
    const images = (JSON.parse(await readFile(join(dir, 'image-lock.json'), 'utf8')) as { images: Record<string, { signedBy?: unknown }> })
      .images;
    for (const repo of ['tuf-root/bundle', 'tuf-root/legacy']) {
      expect(images[`${host}/${repo}:1`].signedBy).toEqual({ identity: WORKFLOW, issuer: GITHUB });
    }
    const targets = () => mirror.requests.filter((path) => path === '/targets/trusted_root.json').length;
    expect(targets()).toBe(1);
    // The metadata is checked fresh on every run (TUF's rule against freeze attacks); the target, unchanged, is not fetched again.
    const before = mirror.requests.length;
    expect((await cli(dir, mirror, 'verify', ...SIGN)).code).toBe(0);
    expect(mirror.requests.slice(before)).toEqual(expect.arrayContaining(['/2.root.json', '/timestamp.json']));
    expect(targets()).toBe(1);
    expect(
      await readFile(
        join(dir, '.cache/image-lock/sigstore-tuf', encodeURIComponent(new URL(mirror.url).host), 'targets/trusted_root.json'),
        'utf8'
      )
    ).toBe(JSON.stringify(sigstore.trustedRoot));
  });

  test('an unreachable TUF repository is one line naming it, exit 3', async () => {
    const dir = await workspace(['tuf-root/bundle']);
    const url = `http://127.0.0.1:${await closedPort()}`;
    const result = await cli(dir, { url, root: mirror.root }, 'lock', ...SIGN);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      new RegExp(
        `^image-lock: cannot get Sigstore's public-good trusted root from the TUF repository ${url}: .*ECONNREFUSED.*; give --trusted-root FILE to check keyless signatures without it\\n$`
      )
    );
  });

  test('a signature from the private Sigstore is refused under the public-good root @sigstore/tuf embeds', async () => {
    const seeds = JSON.parse(await readFile(join(process.cwd(), 'node_modules/@sigstore/tuf/seeds.json'), 'utf8')) as Record<
      string,
      { targets: Record<string, string> }
    >;
    const publicGood = JSON.parse(
      Buffer.from(seeds['https://tuf-repo-cdn.sigstore.dev'].targets['trusted_root.json'], 'base64').toString('utf8')
    );
    const publicMirror = await startTufMirror(publicGood);
    try {
      const dir = await workspace(['tuf-root/bundle', 'tuf-root/legacy']);
      const result = await cli(dir, publicMirror, 'lock', ...SIGN);
      expect(result.code).toBe(1);
      for (const repo of ['tuf-root/bundle', 'tuf-root/legacy']) {
        expect(result.stderr).toMatch(
          new RegExp(
            `${host}/${repo}:1 \\(sha256:[0-9a-f]+\\): found a signature that does not verify \\(Failed to verify certificate chain\\)`
          )
        );
      }
    } finally {
      await publicMirror.stop();
    }
  });

  test('no TUF request with --trusted-root, nor for a policy of keys alone', async () => {
    const before = mirror.requests.length;
    const dir = await workspace(['tuf-root/bundle']);
    await writeFile(join(dir, 'root.json'), JSON.stringify(sigstore.trustedRoot));
    expect((await cli(dir, mirror, 'lock', ...SIGN, '--trusted-root', 'root.json')).code).toBe(0);

    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const { digest } = await pushRelease('tuf-root/keyed', '1', twoPlatforms('keyed a', 'keyed b'));
    await pushSimpleSignature(registry, 'tuf-root/keyed', digest, key.privateKey);
    const keyed = await workspace(['tuf-root/keyed'], 'signatures:\n  - images: ["*/tuf-root/*"]\n    keys: [cosign.pub]\n');
    await writeFile(join(keyed, 'cosign.pub'), key.publicKey.export({ type: 'spki', format: 'pem' }));
    expect((await cli(keyed, mirror, 'lock', ...SIGN)).code).toBe(0);
    expect(mirror.requests.length).toBe(before);
  });
});
