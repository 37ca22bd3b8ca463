// Smoke tests of the real test environment: each registry set-up, the token servers,
// the fixtures (cross-checked with skopeo), the latency proxy and the Docker daemon.
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'undici';
import { dockerDaemon, stopDockerDaemon } from './env/docker-daemon.js';
import { basicAuth, fetchToken, loadTestEnv, registryLog, tokenLog, type RegistryName } from './env/env.js';
import { OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST, buildImage, pushImage } from './env/image.js';
import { decodeJwt } from './env/jwt.js';
import { startLatencyProxy } from './env/latency-proxy.js';
import { startRegistry } from './env/registry.js';
import { randomLayer } from './env/layers.js';
import { makeTempDir } from './env/paths.js';
import { requireTool, runOk } from './env/proc.js';
import { sha256Of, skopeoRaw } from './env/skopeo.js';

const env = loadTestEnv();
const ACCEPT = [OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST].join(', ');
const nginx = env.fixtures.images['library/nginx:1.25'];
const app = env.fixtures.images['multi/app:1.0'];

function manifestUrl(name: RegistryName, repo: string, ref: string): string {
  return `${env.registries[name].url}/v2/${repo}/manifests/${ref}`;
}

async function getManifest(name: RegistryName, repo: string, ref: string, authorization?: string) {
  const res = await fetch(manifestUrl(name, repo, ref), {
    headers: { Accept: ACCEPT, ...(authorization ? { Authorization: authorization } : {}) }
  });
  const body = Buffer.from(await res.arrayBuffer());
  return { res, body };
}

/** Parses `Bearer realm="...",service="...",scope="..."`. */
function challenge(header: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of (header ?? '').matchAll(/(\w+)="([^"]*)"/g)) out[m[1]] = m[2];
  out.scheme = (header ?? '').split(' ')[0];
  return out;
}

describe('registries', () => {
  test('anonymous registry serves the index with the fixture digest, and logs the request', async () => {
    const log = registryLog('anonymous');
    await log.resetRequests();
    const { res, body } = await getManifest('anonymous', 'multi/app', '1.0');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(OCI_INDEX);
    expect(res.headers.get('docker-content-digest')).toBe(app.digest);
    expect(sha256Of(body)).toBe(app.digest);
    // Other test files use the same registry meanwhile: look for this request among theirs.
    expect(await log.requests()).toContainEqual({ method: 'GET', path: '/v2/multi/app/manifests/1.0', query: '', status: 200 });
  });

  test('htpasswd registry wants Basic credentials', async () => {
    const reg = env.registries.htpasswd;
    const anon = await getManifest('htpasswd', 'single/oci', '1.0');
    expect(anon.res.status).toBe(401);
    expect(challenge(anon.res.headers.get('www-authenticate')).scheme).toBe('Basic');
    const wrong = await getManifest('htpasswd', 'single/oci', '1.0', basicAuth('alice', 'nope'));
    expect(wrong.res.status).toBe(401);
    const [user, password] = Object.entries(reg.users!)[0];
    const ok = await getManifest('htpasswd', 'single/oci', '1.0', basicAuth(user, password));
    expect(ok.res.status).toBe(200);
    expect(sha256Of(ok.body)).toBe(env.fixtures.images['single/oci:1.0'].digest);
  });

  test('token registry challenges with Bearer and accepts the token server JWT', async () => {
    const server = env.registries.token.tokenServer!;
    const tokens = tokenLog('token');
    await tokens.resetRequests();
    const first = await getManifest('token', 'docker/v2', '1.0');
    expect(first.res.status).toBe(401);
    const c = challenge(first.res.headers.get('www-authenticate'));
    expect(c).toMatchObject({ scheme: 'Bearer', realm: server.realm, service: server.service, scope: 'repository:docker/v2:pull' });
    // This server refuses anonymous tokens.
    const anon = await fetch(`${c.realm}?service=${c.service}&scope=${c.scope}`);
    expect(anon.status).toBe(401);
    const [user, password] = Object.entries(server.users)[0];
    const token = await fetchToken('token', c.scope, { user, password });
    expect(decodeJwt(token)).toMatchObject({
      iss: server.issuer,
      aud: server.service,
      sub: user,
      access: [{ type: 'repository', name: 'docker/v2', actions: ['pull'] }]
    });
    const ok = await getManifest('token', 'docker/v2', '1.0', `Bearer ${token}`);
    expect(ok.res.status).toBe(200);
    expect(sha256Of(ok.body)).toBe(env.fixtures.images['docker/v2:1.0'].digest);
    expect(await tokens.requests()).toEqual([
      { scope: 'repository:docker/v2:pull', via: 'get' },
      { scope: 'repository:docker/v2:pull', via: 'get', user }
    ]);
  });

  test('token server speaks the OAuth2 POST form (password and refresh_token grants)', async () => {
    const server = env.registries.token.tokenServer!;
    const [user, password] = Object.entries(server.users)[0];
    const post = (form: Record<string, string>) =>
      fetch(server.realm, {
        method: 'POST',
        body: new URLSearchParams({ service: server.service, scope: 'repository:single/oci:pull', client_id: 'test', ...form })
      });
    const first = await post({ grant_type: 'password', username: user, password, access_type: 'offline' });
    expect(first.status).toBe(200);
    const body = (await first.json()) as { access_token: string; refresh_token: string };
    const again = await post({ grant_type: 'refresh_token', refresh_token: body.refresh_token });
    expect(again.status).toBe(200);
    const token = ((await again.json()) as { access_token: string }).access_token;
    expect((await getManifest('token', 'single/oci', '1.0', `Bearer ${token}`)).res.status).toBe(200);
    expect((await post({ grant_type: 'password', username: user, password: 'wrong' })).status).toBe(401);
  });

  test('Docker Hub-shaped registry answers library/nginx with an anonymous token', async () => {
    const first = await getManifest('dockerhub', 'library/nginx', '1.25');
    const c = challenge(first.res.headers.get('www-authenticate'));
    expect(c).toMatchObject({ scheme: 'Bearer', service: 'registry.docker.io', scope: 'repository:library/nginx:pull' });
    const res = await fetch(`${c.realm}?service=${c.service}&scope=${c.scope}`);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual(expect.objectContaining({ token: expect.any(String), access_token: body.token, expires_in: 300 }));
    const ok = await getManifest('dockerhub', 'library/nginx', '1.25', `Bearer ${String(body.token)}`);
    expect(ok.res.status).toBe(200);
    expect(ok.res.headers.get('docker-content-digest')).toBe(nginx.digest);
  });

  test('ghcr-shaped registry: anonymous pull token, any username with the GitHub token may push', async () => {
    const anon = await fetchToken('ghcr', 'repository:multi/app:pull');
    expect((await getManifest('ghcr', 'multi/app', '1.0', `Bearer ${anon}`)).res.status).toBe(200);
    const push = await fetchToken('ghcr', 'repository:scratchpad/ghcr:pull,push', { user: 'someone', password: env.githubToken });
    expect(decodeJwt(push).access[0].actions).toEqual(['pull', 'push']);
    const upload = await fetch(`${env.registries.ghcr.url}/v2/scratchpad/ghcr/blobs/uploads/`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${push}` }
    });
    expect(upload.status).toBe(202);
    await expect(fetchToken('ghcr', 'repository:multi/app:pull', { user: 'someone', password: 'not-the-token' })).rejects.toThrow(/401/);
  });

  test('an extra registry on the shared storage serves the fixtures with extra headers', async () => {
    const dir = makeTempDir('extra-registry');
    const reg = await startRegistry({
      storageRoot: env.storageRoot,
      workDir: dir,
      headers: { 'RateLimit-Limit': ['100;w=21600'], 'RateLimit-Remaining': ['99;w=21600'] }
    });
    try {
      const res = await fetch(`${reg.url}/v2/library/nginx/manifests/1.25`, { headers: { Accept: ACCEPT } });
      expect(res.status).toBe(200);
      expect(res.headers.get('docker-content-digest')).toBe(nginx.digest);
      expect(res.headers.get('ratelimit-remaining')).toBe('99;w=21600');
      expect(await reg.requests()).toContainEqual({ method: 'GET', path: '/v2/library/nginx/manifests/1.25', query: '', status: 200 });
    } finally {
      await reg.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('fixtures', () => {
  const refs = Object.keys(env.fixtures.images);

  test.each(refs)('skopeo reads %s with the fixture digests', async (ref) => {
    const fx = env.fixtures.images[ref];
    const host = env.registries.anonymous.host;
    const raw = await skopeoRaw(`${host}/${ref}`);
    expect(sha256Of(raw)).toBe(fx.digest);
    expect(JSON.parse(raw.toString('utf8')).mediaType).toBe(fx.mediaType);
    for (const p of Object.values(fx.platforms)) {
      expect(sha256Of(await skopeoRaw(`${host}/${fx.repo}@${p.manifestDigest}`))).toBe(p.manifestDigest);
    }
  });

  test('the multi-platform index carries a buildx-style attestation for amd64, and layers are shared', () => {
    expect(Object.keys(app.platforms).sort()).toEqual(['linux/amd64', 'linux/arm/v7', 'linux/arm64/v8']);
    expect(app.attestations).toEqual([
      { digest: expect.stringMatching(/^sha256:/), refersTo: app.platforms['linux/amd64'].manifestDigest }
    ]);
    expect(Object.keys(env.fixtures.images['multi/windows:1.0'].platforms)).toContain('windows/amd64:10.0.17763.5458');
    for (const fx of Object.values(env.fixtures.images)) {
      for (const p of Object.values(fx.platforms)) expect(p.layers[0].digest).toBe(env.fixtures.baseLayer.digest);
    }
  });

  test('skopeo goes through the auth set-ups too (htpasswd, token dance)', async () => {
    const fx = env.fixtures.images['team/sub/deep/app:2.1'];
    const [hUser, hPass] = Object.entries(env.registries.htpasswd.users!)[0];
    expect(sha256Of(await skopeoRaw(`${env.registries.htpasswd.host}/team/sub/deep/app:2.1`, { creds: `${hUser}:${hPass}` }))).toBe(
      fx.digest
    );
    const [tUser, tPass] = Object.entries(env.registries.token.tokenServer!.users)[0];
    expect(sha256Of(await skopeoRaw(`${env.registries.token.host}/team/sub/deep/app:2.1`, { creds: `${tUser}:${tPass}` }))).toBe(fx.digest);
    expect(sha256Of(await skopeoRaw(`${env.registries.dockerhub.host}/library/busybox:latest`))).toBe(
      env.fixtures.images['library/busybox:latest'].digest
    );
  });

  test('pushImage streams a large incompressible layer from a file', async () => {
    const dir = makeTempDir('bigimage');
    try {
      const layer = await randomLayer(join(dir, 'layer.tar.gz'), 8 << 20, 'smoke');
      expect(layer.size).toBeGreaterThan(8 << 20);
      const image = buildImage({ platform: { os: 'linux', architecture: 'amd64' }, layers: [layer] });
      await pushImage({ url: env.registries.anonymous.url }, 'bench/big', image, ['8m']);
      const res = await fetch(`${env.registries.anonymous.url}/v2/bench/big/blobs/${layer.digest}`);
      const hash = createHash('sha256')
        .update(Buffer.from(await res.arrayBuffer()))
        .digest('hex');
      expect(`sha256:${hash}`).toBe(layer.digest);
      expect(sha256Of(await skopeoRaw(`${env.registries.anonymous.host}/bench/big:8m`))).toBe(image.manifest.digest);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('latency proxy', () => {
  test('adds the round-trip delay and counts connections (keep-alive reuses one)', async () => {
    const reg = env.registries.anonymous;
    const proxy = await startLatencyProxy({ targetHost: '127.0.0.1', targetPort: reg.port, ms: 200 });
    // A Client has one connection. (An undici Agent may open a second one when a request
    // is sent in the same tick as the previous body finished: it is not idle yet.)
    const client = new Client(proxy.url, { keepAliveTimeout: 10_000 });
    try {
      const times: number[] = [];
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        const res = await client.request({ method: 'GET', path: '/v2/' });
        await res.body.arrayBuffer();
        expect(res.statusCode).toBe(200);
        times.push(performance.now() - t0);
      }
      for (const t of times) expect(t).toBeGreaterThanOrEqual(190);
      expect(proxy.connections).toBe(1);
    } finally {
      await client.close();
      await proxy.stop();
    }
  });
});

describe('docker daemon', () => {
  afterAll(stopDockerDaemon);

  test('pulls a fixture over plain http from the loopback registry: layers and diff_ids are real', async () => {
    const d = await dockerDaemon();
    const fx = env.fixtures.images['docker/v2:1.0'];
    const ref = `${env.registries.anonymous.host}/docker/v2:1.0`;
    const pull = await d.docker(['pull', ref]);
    expect(pull.stderr).toBe('');
    const id = await d.docker(['image', 'inspect', '--format', '{{.Id}}', ref]);
    expect(id.stdout.toString().trim()).toBe(fx.platforms['linux/amd64'].configDigest);
    const multi = await d.docker(['pull', `${env.registries.anonymous.host}/multi/app:1.0`]);
    expect(multi.code).toBe(0);
    // overlay2, as on GitHub's runners (this kernel allows it: vfs would be a fall-back).
    const info = await d.docker(['info', '--format', '{{.Driver}}']);
    expect(info.stdout.toString().trim()).toBe('overlay2');
    const ctr = await runOk(requireTool('ctr'), ['--address', d.containerdSocket, 'version']);
    expect(ctr.stdout.toString()).toMatch(/Server:/);
  }, 120_000);

  test('the containerd image store daemon is Docker 26 on the overlayfs snapshotter', async () => {
    const d = await dockerDaemon('containerd');
    const info = await d.docker(['info', '--format', '{{.ServerVersion}} {{.Driver}} {{json .DriverStatus}}']);
    expect(info.stdout.toString().trim()).toMatch(/^26\.1\.\S+ overlayfs .*"driver-type","io\.containerd\.snapshotter\.v1"/);
  }, 120_000);
});
