// A token server (Docker's token auth spec) over node:http, issuing JWTs the real
// registry verifies. It runs inside the global set-up process; tests in other processes
// read its request counts over HTTP at `GET /_requests` and reset them with `DELETE /_requests`.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeClaims, signJwt, type Access, type Signer } from './jwt.js';
import { authenticate, basicCreds, grant, parseScope, shapeDefaults, tokenBody, type TokenShape } from './token-policy.js';

export interface TokenServerOptions {
  signer: Signer;
  shape?: TokenShape;
  /** username -> password (for 'ghcr': any username, the password is the token). */
  users?: Record<string, string>;
  /** Whether pull tokens are issued without credentials (default true). */
  anonymous?: boolean;
  service?: string;
  issuer?: string;
  ttlSeconds?: number;
}

export interface TokenRequest {
  /** One entry per requested scope; '' when the request named none (a login check). */
  scope: string;
  user?: string;
  /** How the token was asked for: GET, or the OAuth2 POST grant type. */
  via: 'get' | 'password' | 'refresh_token';
}

export interface TokenServerHandle {
  url: string;
  /** The `realm` to configure in the registry: `<url>/token`. */
  realm: string;
  service: string;
  issuer: string;
  shape: TokenShape;
  requests(): TokenRequest[];
  resetRequests(): void;
  stop(): Promise<void>;
}

export async function startTokenServer(opts: TokenServerOptions): Promise<TokenServerHandle> {
  const shape = opts.shape ?? 'distribution';
  const defaults = shapeDefaults(shape);
  const service = opts.service ?? defaults.service;
  const issuer = opts.issuer ?? defaults.issuer;
  const ttl = opts.ttlSeconds ?? 300;
  const users = opts.users ?? {};
  const anonymous = opts.anonymous ?? true;
  const refreshTokens = new Map<string, string>();
  let log: TokenRequest[] = [];

  // Grants scopes to `user` (null = anonymous) and records the request; undefined = refuse.
  function issue(user: string | null, scopes: string[], via: TokenRequest['via']): string | undefined {
    for (const scope of scopes.length ? scopes : ['']) log.push({ scope, via, ...(user ? { user } : {}) });
    if (user === null && !anonymous) return undefined;
    const access: Access[] = scopes
      .map(parseScope)
      .filter((a): a is Access => !!a)
      .map((a) => grant(user, a));
    return signJwt(opts.signer, makeClaims(issuer, service, user ?? '', access, ttl));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/_requests') {
      if (req.method === 'DELETE') log = [];
      return json(res, 200, req.method === 'DELETE' ? {} : log);
    }
    if (url.pathname !== '/token') return json(res, 404, { errors: [{ code: 'NOT_FOUND' }] });
    const asked = url.searchParams.get('service');
    if (asked && asked !== service) return json(res, 400, { errors: [{ code: 'INVALID_SERVICE', message: `unknown service ${asked}` }] });

    if (req.method === 'GET') {
      const user = authenticate(shape, users, basicCreds(req.headers.authorization));
      if (user === false) return unauthorized(res);
      const token = issue(user, url.searchParams.getAll('scope'), 'get');
      if (!token) return unauthorized(res);
      let refresh: string | undefined;
      if (user && url.searchParams.get('offline_token') === 'true') {
        refresh = randomUUID();
        refreshTokens.set(refresh, user);
      }
      return json(res, 200, tokenBody(shape, token, ttl, refresh));
    }
    if (req.method === 'POST') {
      // OAuth2 form (docker's "refresh token" flow): grant_type=password or refresh_token.
      const form = new URLSearchParams(await readBody(req));
      const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
      const grantType = form.get('grant_type');
      let user: string | null | false;
      if (grantType === 'password') {
        user = authenticate(shape, users, { user: form.get('username') ?? '', pass: form.get('password') ?? '' });
      } else if (grantType === 'refresh_token') {
        user = refreshTokens.get(form.get('refresh_token') ?? '') ?? false;
      } else {
        return json(res, 400, { error: 'unsupported_grant_type' });
      }
      if (!user) return json(res, 401, { error: 'invalid_grant' });
      const token = issue(user, scopes, grantType);
      let refresh = form.get('refresh_token') ?? undefined;
      if (grantType === 'password' && form.get('access_type') === 'offline') {
        refresh = randomUUID();
        refreshTokens.set(refresh, user);
      }
      return json(res, 200, {
        access_token: token,
        token_type: 'Bearer',
        expires_in: ttl,
        issued_at: new Date().toISOString(),
        scope: scopes.join(' '),
        ...(refresh ? { refresh_token: refresh } : {})
      });
    }
    return json(res, 405, { errors: [{ code: 'UNSUPPORTED' }] });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => json(res, 500, { error: String(e) }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    realm: `${url}/token`,
    service,
    issuer,
    shape,
    requests: () => [...log],
    resetRequests: () => void (log = []),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      })
  };
}

function unauthorized(res: ServerResponse): void {
  res.setHeader('WWW-Authenticate', 'Basic realm="image-lock test token server"');
  json(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
