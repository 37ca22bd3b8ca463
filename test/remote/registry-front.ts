// A small HTTP server in front of a real test registry, forwarding every request to it
// except the tag list, which it answers the way other registries do and distribution
// 2.8 does not: in pages of `?n=` (2 when not asked) linked by `Link: <...>; rel="next"`,
// or refused outright. It records the tag list requests it answered.
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RegistryFront {
  /** `127.0.0.1:<port>`, for image references. */
  host: string;
  /** Each tag list request's query, as received. */
  readonly tagRequests: string[];
  stop(): Promise<void>;
}

const DEFAULT_PAGE = 2;

export async function startRegistryFront(upstreamUrl: string, tagList: 'paginate' | 'refuse'): Promise<RegistryFront> {
  const upstream = new URL(upstreamUrl);
  const tagRequests: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://front.invalid');
    if (!url.pathname.endsWith('/tags/list')) return forward(upstream, req, res);
    tagRequests.push(url.search);
    if (tagList === 'refuse') return json(res, 403, { errors: [{ code: 'DENIED', message: 'listing tags is not allowed' }] });
    void servePage(upstream, url, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host,
    tagRequests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve()))
  };
}

async function servePage(upstream: URL, url: URL, res: ServerResponse): Promise<void> {
  const answer = await fetch(new URL(url.pathname, upstream));
  if (!answer.ok) return json(res, answer.status, await answer.json());
  const { name, tags } = (await answer.json()) as { name: string; tags: string[] };
  const size = Number(url.searchParams.get('n') ?? DEFAULT_PAGE);
  const last = url.searchParams.get('last');
  const sorted = [...tags].sort();
  const start = last === null ? 0 : sorted.findIndex((tag) => tag > last);
  const page = start === -1 ? [] : sorted.slice(start, start + size);
  const more = start !== -1 && start + size < sorted.length;
  const link: Record<string, string> = more
    ? { link: `<${url.pathname}?n=${size}&last=${encodeURIComponent(page.at(-1)!)}>; rel="next"` }
    : {};
  json(res, 200, { name, tags: page }, link);
}

export function forward(upstream: URL, req: IncomingMessage, res: ServerResponse): void {
  const options = { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers };
  const outgoing = request(options, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  outgoing.on('error', () => res.destroy());
  req.pipe(outgoing);
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
