// A TUF repository made by the tests and served on loopback, shaped as Sigstore's is: one
// target, `trusted_root.json`, under root, timestamp, snapshot and targets metadata (TUF
// specification 1.0), signed with one ECDSA P-256 key for every role. Signatures are over the
// canonical JSON of `signed`, hex encoded, as tuf-js verifies them. Each request's path is recorded.
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TufMirror {
  url: string;
  /** The repository's root.json, to start a TUF client from. */
  root: Buffer;
  /** Each request's path, as received. */
  readonly requests: string[];
  stop(): Promise<void>;
}

const EXPIRES = new Date(Date.now() + 7 * 24 * 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');

/** Serves a TUF repository whose `trusted_root.json` target is `trustedRoot`'s JSON. */
export async function startTufMirror(trustedRoot: unknown): Promise<TufMirror> {
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicKey = {
    keytype: 'ecdsa',
    scheme: 'ecdsa-sha2-nistp256',
    keyval: { public: key.publicKey.export({ type: 'spki', format: 'pem' }) }
  };
  const keyId = createHash('sha256').update(canonical(publicKey)).digest('hex');
  const role = { keyids: [keyId], threshold: 1 };
  const signed = (body: Record<string, unknown>) =>
    Buffer.from(
      JSON.stringify({
        signed: body,
        signatures: [{ keyid: keyId, sig: sign('sha256', Buffer.from(canonical(body)), key.privateKey).toString('hex') }]
      })
    );
  const common = { spec_version: '1.0.31', version: 1, expires: EXPIRES };

  const target = Buffer.from(JSON.stringify(trustedRoot));
  const files = new Map<string, Buffer>();
  files.set('/targets/trusted_root.json', target);
  files.set(
    '/targets.json',
    signed({ _type: 'targets', ...common, targets: { 'trusted_root.json': { hashes: { sha256: sha256(target) }, length: target.length } } })
  );
  files.set('/snapshot.json', signed({ _type: 'snapshot', ...common, meta: { 'targets.json': { version: 1 } } }));
  files.set('/timestamp.json', signed({ _type: 'timestamp', ...common, meta: { 'snapshot.json': { version: 1 } } }));
  const root = signed({
    _type: 'root',
    ...common,
    consistent_snapshot: false,
    keys: { [keyId]: publicKey },
    roles: { root: role, snapshot: role, targets: role, timestamp: role }
  });
  files.set('/1.root.json', root);

  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const body = files.get(req.url ?? '');
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
    res.end(body ?? '{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    root,
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve()))
  };
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** OLPC canonical JSON, as TUF signs it: keys sorted, no whitespace, only `"` and `\\` escaped in strings. */
function canonical(value: unknown): string {
  if (typeof value === 'string') return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${canonical(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
