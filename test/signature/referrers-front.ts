// A small HTTP server in front of a real test registry that adds the OCI 1.1 referrers API,
// which distribution 2.8 lacks: `GET /v2/<name>/referrers/<digest>` answers the index the
// tests pushed under `referrers-<hex>` (a tag image-lock never asks for, so a referrer found
// through this front was found through the API). Everything else is forwarded.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { forward } from '../remote/registry-front.js';

export interface ReferrersFront {
  host: string;
  /** Each referrers request's path, as received. */
  readonly referrerRequests: string[];
  stop(): Promise<void>;
}

export const referrersTag = (digest: string) => `referrers-${digest.split(':')[1]}`;

export async function startReferrersFront(upstreamUrl: string): Promise<ReferrersFront> {
  const upstream = new URL(upstreamUrl);
  const referrerRequests: string[] = [];
  const server = createServer((req, res) => {
    const match = /^\/v2\/(.+)\/referrers\/(sha256:[0-9a-f]{64})$/.exec(req.url ?? '');
    if (!match) return forward(upstream, req, res);
    referrerRequests.push(req.url ?? '');
    const [, name, digest] = match;
    void fetch(new URL(`/v2/${name}/manifests/${referrersTag(digest)}`, upstream), {
      headers: { accept: 'application/vnd.oci.image.index.v1+json' }
    }).then(async (answer) => {
      const body = answer.ok
        ? await answer.text()
        : JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] });
      res.writeHead(200, { 'content-type': 'application/vnd.oci.image.index.v1+json' });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    referrerRequests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve()))
  };
}
