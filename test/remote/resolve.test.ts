import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keychain } from '../../src/authn/keychain.js';
import { RegistryError } from '../../src/errors.js';
import { parseReference } from '../../src/name/reference.js';
import { parsePlatform } from '../../src/platform/platform.js';
import { RegistryClient, type RegistryClientOptions } from '../../src/remote/registry-client.js';
import { resolveImage } from '../../src/remote/resolve.js';
import { loadTestEnv, registryLog, tokenLog } from '../env/env.js';
import { AMD64, ARM64 } from '../env/fixtures.js';
import { buildImage, buildIndex, pushIndex } from '../env/image.js';
import { tarLayer } from '../env/layers.js';
import { startLatencyProxy } from '../env/latency-proxy.js';
import { sha256Of, skopeoRaw } from '../env/skopeo.js';

const env = loadTestEnv();
const anonymous = env.registries.anonymous;

async function dockerConfig(auths: Record<string, { username: string; password: string }>): Promise<Keychain> {
  const dir = await mkdtemp(join(tmpdir(), 'docker-config-'));
  const entries = Object.fromEntries(
    Object.entries(auths).map(([host, c]) => [host, { auth: Buffer.from(`${c.username}:${c.password}`).toString('base64') }])
  );
  await writeFile(join(dir, 'config.json'), JSON.stringify({ auths: entries }));
  return new Keychain({ dockerConfigDir: dir });
}

async function withClient<T>(options: RegistryClientOptions, fn: (client: RegistryClient) => Promise<T>): Promise<T> {
  const client = new RegistryClient({ http: { retry: { retries: 1, baseDelayMs: 10, maxDelayMs: 100 } }, ...options });
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

describe('resolution of every fixture, cross-checked with skopeo', () => {
  test.each(Object.keys(env.fixtures.images))('%s', async (name) => {
    const fixture = env.fixtures.images[name];
    const resolved = await withClient({}, (client) => resolveImage(client, parseReference(`${anonymous.host}/${name}`)));
    const skopeoTop = await skopeoRaw(`${anonymous.host}/${name}`, { tlsVerify: false });
    expect(resolved.digest).toBe(sha256Of(skopeoTop));
    expect(resolved.digest).toBe(fixture.digest);
    expect(resolved.mediaType).toBe(fixture.mediaType);
    expect(Object.keys(resolved.platforms).sort()).toEqual(Object.keys(fixture.platforms).sort());
    for (const [platform, digest] of Object.entries(resolved.platforms)) {
      const raw = await skopeoRaw(`${anonymous.host}/${fixture.repo}@${digest}`, { tlsVerify: false });
      expect(sha256Of(raw)).toBe(digest);
      expect(digest).toBe(fixture.platforms[platform].manifestDigest);
    }
    for (const attestation of fixture.attestations) expect(Object.values(resolved.platforms)).not.toContain(attestation.digest);
  });
});

describe('resolution details', () => {
  test('an index keeps its platforms as stated, attestations and unknown/unknown left out', async () => {
    const resolved = await withClient({}, (client) => resolveImage(client, parseReference(`${anonymous.host}/multi/app:1.0`)));
    expect(Object.keys(resolved.platforms).sort()).toEqual(['linux/amd64', 'linux/arm/v7', 'linux/arm64/v8']);
    const windows = await withClient({}, (client) => resolveImage(client, parseReference(`${anonymous.host}/multi/windows:1.0`)));
    expect(Object.keys(windows.platforms)).toContain('windows/amd64:10.0.17763.5458');
  });

  test('platform filters match the way containerd does', async () => {
    const reference = parseReference(`${anonymous.host}/multi/app:1.0`);
    const resolved = await withClient({}, (client) =>
      resolveImage(client, reference, [parsePlatform('linux/arm64'), parsePlatform('linux/arm')])
    );
    expect(Object.keys(resolved.platforms).sort()).toEqual(['linux/arm/v7', 'linux/arm64/v8']);
    await expect(withClient({}, (client) => resolveImage(client, reference, [parsePlatform('linux/s390x')]))).rejects.toThrow(
      /has no platform matching linux\/s390x \(it offers linux\/amd64, linux\/arm64\/v8, linux\/arm\/v7\)/
    );
  });

  test('a single-manifest image gets its platform from its config', async () => {
    const fixture = env.fixtures.images['single/oci:1.0'];
    const resolved = await withClient({}, (client) => resolveImage(client, parseReference(`${anonymous.host}/single/oci:1.0`)));
    expect(resolved.platforms).toEqual({ [Object.keys(fixture.platforms)[0]]: fixture.digest });
  });

  test('name:tag@digest resolves by the digest, which is what counts', async () => {
    const fixture = env.fixtures.images['multi/app:1.0'];
    const other = env.fixtures.images['docker/list:1.0'];
    const reference = parseReference(`${anonymous.host}/multi/app:not-a-tag@${fixture.digest}`);
    const resolved = await withClient({}, (client) => resolveImage(client, reference));
    expect(resolved.digest).toBe(fixture.digest);
    await expect(
      withClient({}, (client) => resolveImage(client, parseReference(`${anonymous.host}/multi/app@${other.digest}`)))
    ).rejects.toThrow(RegistryError);
  });

  test('an unknown tag is a registry error naming the reference', async () => {
    const attempt = withClient({}, (client) => resolveImage(client, parseReference(`${anonymous.host}/multi/app:nope`)));
    await expect(attempt).rejects.toThrow(RegistryError);
    await expect(attempt).rejects.toThrow(/multi\/app.*HTTP 404.*MANIFEST_UNKNOWN/);
  });

  test('one manifest request per reference', async () => {
    // Repositories of its own: other test files share the registry and its log.
    const layer = await tarLayer([{ name: 'count', content: 'count' }]);
    const repos = ['count/one', 'count/two', 'count/deep/three'];
    for (const repo of repos) {
      const images = [AMD64, ARM64].map((platform) => buildImage({ platform, layers: [layer] }));
      await pushIndex(
        { url: anonymous.url },
        repo,
        buildIndex(
          'oci',
          images.map((image) => ({ image }))
        ),
        ['1.0']
      );
    }
    const log = registryLog('anonymous');
    await log.resetRequests();
    await withClient({}, (client) =>
      Promise.all(repos.map((repo) => resolveImage(client, parseReference(`${anonymous.host}/${repo}:1.0`))))
    );
    const ours = (await log.requests()).filter((r) => r.path.startsWith('/v2/count/'));
    expect(ours.map((r) => `${r.method} ${r.path}`).sort()).toEqual(repos.map((repo) => `GET /v2/${repo}/manifests/1.0`).sort());
  });
});

test('connections are kept alive: one connection for a run of requests to one host', async () => {
  const proxy = await startLatencyProxy({ targetHost: '127.0.0.1', targetPort: anonymous.port, ms: 2 });
  try {
    await withClient({}, async (client) => {
      for (const name of ['multi/app:1.0', 'single/oci:1.0', 'docker/v2:1.0', 'docker/list:1.0', 'team/sub/deep/app:2.1']) {
        await resolveImage(client, parseReference(`${proxy.host}/${name}`));
      }
    });
    expect(proxy.connections).toBe(1);
  } finally {
    await proxy.stop();
  }
});

describe('authentication', () => {
  test('htpasswd: Basic credentials from the Docker config', async () => {
    const registry = env.registries.htpasswd;
    const [user, password] = Object.entries(registry.users!)[0];
    const keychain = await dockerConfig({ [registry.host]: { username: user, password } });
    const resolved = await withClient({ credentials: (host) => keychain.resolve(host) }, (client) =>
      resolveImage(client, parseReference(`${registry.host}/multi/app:1.0`))
    );
    expect(resolved.digest).toBe(env.fixtures.images['multi/app:1.0'].digest);
    await expect(withClient({}, (client) => resolveImage(client, parseReference(`${registry.host}/multi/app:1.0`)))).rejects.toThrow(
      /requires credentials and none are configured/
    );
    const wrong = await dockerConfig({ [registry.host]: { username: user, password: 'wrong' } });
    const attempt = withClient({ credentials: (host) => wrong.resolve(host) }, (client) =>
      resolveImage(client, parseReference(`${registry.host}/multi/app:1.0`))
    );
    await expect(attempt).rejects.toThrow(/HTTP 401.*check the registry credentials/);
    await expect(attempt).rejects.not.toThrow(/wrong/);
  });

  test('token auth: one token request per repository, reused across references', async () => {
    const registry = env.registries.token;
    const [user, password] = Object.entries(registry.tokenServer!.users)[0];
    const keychain = await dockerConfig({ [registry.host]: { username: user, password } });
    const tokens = tokenLog('token');
    await tokens.resetRequests();
    await withClient({ credentials: (host) => keychain.resolve(host) }, async (client) => {
      const names = ['multi/app:1.0', 'multi/app:latest', 'docker/v2:1.0', 'single/oci:1.0'];
      await Promise.all(names.map((n) => resolveImage(client, parseReference(`${registry.host}/${n}`))));
    });
    const scopes = (await tokens.requests()).map((r) => r.scope).sort();
    expect(scopes).toEqual(['repository:docker/v2:pull', 'repository:multi/app:pull', 'repository:single/oci:pull']);
    await expect(withClient({}, (client) => resolveImage(client, parseReference(`${registry.host}/multi/app:1.0`)))).rejects.toThrow(
      /token request .* failed anonymously: HTTP 401/
    );
  });

  test('Docker Hub: docker.io goes to registry-1.docker.io, official images under library/, rate limits kept', async () => {
    const hub = env.registries.dockerhub;
    const tokens = tokenLog('dockerhub');
    await tokens.resetRequests();
    const rateLimits = await withClient({ overrides: { 'registry-1.docker.io': hub.url } }, async (client) => {
      const resolved = await resolveImage(client, parseReference('nginx:1.25'));
      expect(resolved.digest).toBe(env.fixtures.images['library/nginx:1.25'].digest);
      expect(resolved.reference.toString()).toBe('docker.io/library/nginx:1.25');
      return client.rateLimits;
    });
    expect(rateLimits.get('docker.io')).toEqual({ limit: 100, remaining: 97, windowSeconds: 21600, source: undefined });
    expect((await tokens.requests()).map((r) => r.scope)).toEqual(['repository:library/nginx:pull']);
  });

  test('Docker Hub: credentials stored under https://index.docker.io/v1/ are used', async () => {
    const hub = env.registries.dockerhub;
    const [user, password] = Object.entries(hub.tokenServer!.users)[0];
    const keychain = await dockerConfig({ 'https://index.docker.io/v1/': { username: user, password } });
    const tokens = tokenLog('dockerhub');
    await tokens.resetRequests();
    await withClient({ overrides: { 'registry-1.docker.io': hub.url }, credentials: (host) => keychain.resolve(host) }, (client) =>
      resolveImage(client, parseReference('docker.io/library/busybox'))
    );
    expect(await tokens.requests()).toEqual([expect.objectContaining({ scope: 'repository:library/busybox:pull', user })]);
  });

  test('ghcr.io: anonymous token, or the GitHub token as the password', async () => {
    const ghcr = env.registries.ghcr;
    const tokens = tokenLog('ghcr');
    await tokens.resetRequests();
    const overrides = { 'ghcr.io': ghcr.url };
    const anonymousResult = await withClient({ overrides }, (client) => resolveImage(client, parseReference('ghcr.io/multi/app:1.0')));
    const keychain = new Keychain({ githubToken: env.githubToken, dockerConfigDir: await mkdtemp(join(tmpdir(), 'empty-')) });
    const withToken = await withClient({ overrides, credentials: (host) => keychain.resolve(host) }, (client) =>
      resolveImage(client, parseReference('ghcr.io/multi/app:1.0'))
    );
    expect(withToken.digest).toBe(anonymousResult.digest);
    const requests = await tokens.requests();
    expect(requests).toHaveLength(2);
    expect(requests[0].user).toBeUndefined();
    expect(requests[1].user).toBeDefined();
  });
});

describe('mirrors', () => {
  test('a mirror is tried first and the registry on its failure; names stay canonical', async () => {
    const hub = env.registries.dockerhub;
    const deadMirror = 'http://127.0.0.1:9';
    const log = registryLog('anonymous');
    await log.resetRequests();
    const viaMirror = await withClient(
      { overrides: { 'registry-1.docker.io': hub.url }, mirrors: { 'docker.io': [anonymous.url] } },
      (client) => resolveImage(client, parseReference('busybox'))
    );
    expect(viaMirror.reference.toString()).toBe('docker.io/library/busybox:latest');
    expect((await log.requests()).some((r) => r.path === '/v2/library/busybox/manifests/latest')).toBe(true);
    const viaUpstream = await withClient(
      { overrides: { 'registry-1.docker.io': hub.url }, mirrors: { 'docker.io': [deadMirror] } },
      (client) => resolveImage(client, parseReference('busybox'))
    );
    expect(viaUpstream.digest).toBe(viaMirror.digest);
  });
});
