import type { Credentials } from '../authn/credentials.js';
import { RegistryError } from '../errors.js';
import type { HttpClient } from './http.js';

/**
 * The registry token flow (distribution's token spec): a GET to the challenge's realm
 * with Basic credentials, or the OAuth2 POST with a refresh token when Docker stored
 * an identity token.
 */
export interface BearerToken {
  token: string;
  /** Epoch milliseconds after which the token is not used again. */
  expiresAt: number;
}

/** Tokens without `expires_in` live 60 s, as the token spec says. */
const DEFAULT_LIFETIME_SECONDS = 60;
/** Refresh a little early so a token does not expire between checks and use. */
const EXPIRY_MARGIN_MS = 10_000;
const CLIENT_ID = 'image-lock';

export async function fetchToken(
  http: HttpClient,
  params: Record<string, string>,
  scope: string,
  credentials: Credentials | undefined
): Promise<BearerToken> {
  const realm = params.realm;
  if (!realm) throw new RegistryError('registry sent a Bearer challenge without a realm');
  const url = new URL(realm);
  const started = Date.now();
  const response = credentials?.identityToken
    ? await http.send(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: credentials.identityToken,
          service: params.service ?? '',
          scope,
          client_id: CLIENT_ID
        }).toString()
      })
    : await http.send(tokenUrl(url, params, scope, credentials), { headers: basicHeader(credentials) });
  const text = await response.body.text();
  if (response.status !== 200) {
    const who = credentials ? 'with the configured credentials' : 'anonymously';
    throw new RegistryError(`token request to ${url.origin} for "${scope}" failed ${who}: HTTP ${response.status}`, response.status);
  }
  let body: { token?: string; access_token?: string; expires_in?: number };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new RegistryError(`token server ${url.origin} answered with something other than JSON`);
  }
  const token = body.token || body.access_token;
  if (!token) throw new RegistryError(`token server ${url.origin} answered without a token`);
  const lifetime = (body.expires_in ?? DEFAULT_LIFETIME_SECONDS) * 1000;
  return { token, expiresAt: started + Math.max(lifetime - EXPIRY_MARGIN_MS, 0) };
}

function tokenUrl(realm: URL, params: Record<string, string>, scope: string, credentials?: Credentials): URL {
  const url = new URL(realm);
  if (params.service) url.searchParams.set('service', params.service);
  url.searchParams.append('scope', scope);
  if (credentials?.username) url.searchParams.set('account', credentials.username);
  return url;
}

export function basicHeader(credentials: Credentials | undefined): Record<string, string> {
  if (credentials?.username === undefined || credentials.password === undefined) return {};
  const encoded = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
  return { authorization: `Basic ${encoded}` };
}
