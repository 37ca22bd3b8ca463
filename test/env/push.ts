// A tiny push client for the registry HTTP API, independent of the code under test:
// HEAD to skip blobs already there, POST + PUT ?digest= (monolithic upload), PUT manifests.
// node:http rather than fetch so file-backed blobs stream with a Content-Length.
import { createReadStream } from 'node:fs';
import { request } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { Blob } from './layers.js';

export interface PushTarget {
  /** Registry base URL, e.g. http://127.0.0.1:5000 */
  url: string;
  /** Authorization header value to send (Basic or Bearer), if the registry wants one. */
  authorization?: string;
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function send(method: string, url: string, headers: Record<string, string>, body?: Buffer | Blob): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body === undefined) req.end();
    else if (Buffer.isBuffer(body)) req.end(body);
    else if (body.bytes) req.end(body.bytes);
    else if (body.file) pipeline(createReadStream(body.file), req).catch(reject);
    else reject(new Error(`blob ${body.digest} has neither bytes nor file`));
  });
}

function headersFor(target: PushTarget, extra: Record<string, string> = {}): Record<string, string> {
  return { ...(target.authorization ? { Authorization: target.authorization } : {}), ...extra };
}

function fail(what: string, reply: Reply): never {
  throw new Error(`push: ${what} answered ${reply.status}: ${reply.body.toString('utf8').slice(0, 500)}`);
}

export async function blobExists(target: PushTarget, repo: string, digest: string): Promise<boolean> {
  const reply = await send('HEAD', `${target.url}/v2/${repo}/blobs/${digest}`, headersFor(target));
  return reply.status === 200;
}

/** Uploads a blob to `repo` unless the repository already has it. */
export async function pushBlob(target: PushTarget, repo: string, blob: Blob): Promise<void> {
  if (await blobExists(target, repo, blob.digest)) return;
  const start = await send('POST', `${target.url}/v2/${repo}/blobs/uploads/`, headersFor(target, { 'Content-Length': '0' }));
  if (start.status !== 202) fail(`POST /v2/${repo}/blobs/uploads/`, start);
  const location = new URL(String(start.headers.location), target.url);
  location.searchParams.set('digest', blob.digest);
  const put = await send(
    'PUT',
    location.toString(),
    headersFor(target, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(blob.size) }),
    blob
  );
  if (put.status !== 201) fail(`PUT blob ${blob.digest} to ${repo}`, put);
}

/** PUTs a manifest under `ref` (tag or digest) and checks the registry computed the same digest. */
export async function pushManifest(target: PushTarget, repo: string, ref: string, manifest: Blob): Promise<void> {
  const bytes = manifest.bytes;
  if (!bytes) throw new Error('push: manifests are pushed from memory');
  const reply = await send(
    'PUT',
    `${target.url}/v2/${repo}/manifests/${ref}`,
    headersFor(target, { 'Content-Type': manifest.mediaType, 'Content-Length': String(bytes.length) }),
    bytes
  );
  if (reply.status !== 201) fail(`PUT /v2/${repo}/manifests/${ref}`, reply);
  const echoed = reply.headers['docker-content-digest'];
  if (echoed !== manifest.digest) {
    throw new Error(`push: registry stored ${repo}@${String(echoed)}, fixture computed ${manifest.digest}`);
  }
}
