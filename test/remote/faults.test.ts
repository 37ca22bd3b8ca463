import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RegistryError } from '../../src/errors.js';
import { parseReference } from '../../src/name/reference.js';
import { RegistryClient } from '../../src/remote/registry-client.js';
import { resolveImage } from '../../src/remote/resolve.js';

// Faults a real registry cannot be made to produce, from a small misbehaving server.

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function serve(handler: Handler): Promise<{ host: string; url: string; server: Server; seen: IncomingMessage[] }> {
  const seen: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    seen.push(req);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { host, url: `http://${host}`, server, seen };
}

const close = (server: Server) => new Promise((resolve) => server.close(resolve));
const sha256 = (body: string) => `sha256:${createHash('sha256').update(body).digest('hex')}`;
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const config = JSON.stringify({ os: 'linux', architecture: 'amd64', rootfs: { type: 'layers', diff_ids: [] } });
const manifest = JSON.stringify({
  schemaVersion: 2,
  mediaType: OCI_MANIFEST,
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
  layers: []
});

function registry(overrides: { manifest?: Handler; blob?: Handler } = {}): Handler {
  return (req, res) => {
    if (req.url === '/v2/') return res.writeHead(200).end('{}');
    if (req.url?.includes('/manifests/')) {
      if (overrides.manifest) return overrides.manifest(req, res);
      return res.writeHead(200, { 'content-type': OCI_MANIFEST, 'docker-content-digest': sha256(manifest) }).end(manifest);
    }
    if (req.url?.includes('/blobs/')) return overrides.blob ? overrides.blob(req, res) : res.writeHead(200).end(config);
    res.writeHead(404).end();
  };
}

const fastRetry = { retry: { retries: 2, baseDelayMs: 5, maxDelayMs: 2_000 } };

async function resolveFrom(host: string, options = {}) {
  const client = new RegistryClient({ http: fastRetry, ...options });
  try {
    return await resolveImage(client, parseReference(`${host}/app:1`));
  } finally {
    await client.close();
  }
}

test('a Docker-Content-Digest that does not match the body is an error, never an entry', async () => {
  const { host, server } = await serve(
    registry({
      manifest: (_req, res) => res.writeHead(200, { 'content-type': OCI_MANIFEST, 'docker-content-digest': sha256('other') }).end(manifest)
    })
  );
  await expect(resolveFrom(host)).rejects.toThrow(/does not match its digest: expected sha256:.*, got sha256:/);
  await close(server);
});

test('a body that does not match the digest it was asked by is an error', async () => {
  const { host, server } = await serve(registry());
  const client = new RegistryClient({ http: fastRetry });
  const wanted = sha256('something else');
  await expect(client.getManifest(parseReference(`${host}/app`), wanted)).rejects.toThrow(RegistryError);
  await client.close();
  await close(server);
});

test('a config that does not match its digest is an error', async () => {
  const { host, server } = await serve(registry({ blob: (_req, res) => res.writeHead(200).end(config.replace('amd64', 'arm64')) }));
  await expect(resolveFrom(host)).rejects.toThrow(/blob .* does not match its digest/);
  await close(server);
});

test('429 with Retry-After is honoured, then the request succeeds', async () => {
  let calls = 0;
  const times: number[] = [];
  const { host, server } = await serve(
    registry({
      manifest: (_req, res) => {
        times.push(Date.now());
        if (++calls === 1) return res.writeHead(429, { 'retry-after': '1' }).end();
        res.writeHead(200, { 'content-type': OCI_MANIFEST }).end(manifest);
      }
    })
  );
  const resolved = await resolveFrom(host);
  expect(resolved.digest).toBe(sha256(manifest));
  expect(calls).toBe(2);
  expect(times[1] - times[0]).toBeGreaterThanOrEqual(950);
  await close(server);
});

test('a registry failing with 503 every time fails after the retries with exit code 3', async () => {
  let calls = 0;
  const { host, server } = await serve(registry({ manifest: (_req, res) => (calls++, res.writeHead(503).end('down')) }));
  const attempt = resolveFrom(host);
  await expect(attempt).rejects.toThrow(/HTTP 503/);
  await expect(attempt).rejects.toMatchObject({ exitCode: 3 });
  expect(calls).toBe(3);
  await close(server);
});

test('an unreachable registry is a clear network error', async () => {
  await expect(resolveFrom('127.0.0.1:9')).rejects.toThrow('cannot reach http://127.0.0.1:9: ECONNREFUSED');
});

test('manifests over the size cap are refused before they are read whole', async () => {
  const big = JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, padding: 'x'.repeat(64 * 1024) });
  const { host, server } = await serve(
    registry({ manifest: (_req, res) => res.writeHead(200, { 'content-type': OCI_MANIFEST }).end(big) })
  );
  await expect(resolveFrom(host, { maxManifestBytes: 16 * 1024 })).rejects.toThrow(/larger than the 16384-byte limit/);
  await close(server);
});

test('schema 1 manifests are refused', async () => {
  const schema1 = JSON.stringify({ schemaVersion: 1, name: 'app', tag: '1', fsLayers: [] });
  const type = 'application/vnd.docker.distribution.manifest.v1+prettyjws';
  const { host, server } = await serve(registry({ manifest: (_req, res) => res.writeHead(200, { 'content-type': type }).end(schema1) }));
  await expect(resolveFrom(host)).rejects.toThrow(/schema 1 manifests are not supported/);
  await close(server);
});

test('Authorization is never sent to the host a redirect leads to', async () => {
  const storage = await serve((_req, res) => res.writeHead(200).end(config));
  const { host, server, seen } = await serve((req, res) => {
    if (req.url === '/v2/') return res.writeHead(401, { 'www-authenticate': 'Basic realm="test"' }).end();
    if (req.headers.authorization !== 'Basic dTpw') return res.writeHead(401).end();
    if (req.url?.includes('/manifests/')) return res.writeHead(200, { 'content-type': OCI_MANIFEST }).end(manifest);
    res.writeHead(307, { location: `${storage.url}/signed/blob?sig=abc` }).end();
  });
  const resolved = await resolveFrom(host, { credentials: async () => ({ username: 'u', password: 'p' }) });
  expect(resolved.platforms).toEqual({ 'linux/amd64': sha256(manifest) });
  expect(seen.some((req) => req.url?.includes('/blobs/') && req.headers.authorization === 'Basic dTpw')).toBe(true);
  expect(storage.seen).toHaveLength(1);
  expect(storage.seen[0].headers.authorization).toBeUndefined();
  await close(server);
  await close(storage.server);
});

test('an expired token is refreshed after a 401', async () => {
  let issued = 0;
  const tokens = await serve((_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: `t${++issued}` }))
  );
  const { host, server } = await serve((req, res) => {
    const challenge = { 'www-authenticate': `Bearer realm="${tokens.url}/token",service="test"` };
    if (req.url === '/v2/') return res.writeHead(401, challenge).end();
    // The first token is treated as expired.
    if (req.headers.authorization !== 'Bearer t2') return res.writeHead(401, challenge).end();
    if (req.url?.includes('/manifests/')) return res.writeHead(200, { 'content-type': OCI_MANIFEST }).end(manifest);
    res.writeHead(200).end(config);
  });
  await expect(resolveFrom(host)).resolves.toMatchObject({ digest: sha256(manifest) });
  expect(issued).toBe(2);
  await close(server);
  await close(tokens.server);
});
