// Who gets what from the test token servers, and what their responses look like for
// each registry "shape" (plain distribution, Docker Hub, ghcr.io).
import type { Access } from './jwt.js';

export type TokenShape = 'distribution' | 'dockerhub' | 'ghcr';

export interface ShapeDefaults {
  service: string;
  issuer: string;
}

export function shapeDefaults(shape: TokenShape): ShapeDefaults {
  switch (shape) {
    case 'dockerhub':
      return { service: 'registry.docker.io', issuer: 'auth.docker.io' };
    case 'ghcr':
      return { service: 'ghcr.io', issuer: 'ghcr.io' };
    case 'distribution':
      return { service: 'image-lock-test-registry', issuer: 'image-lock-test-token-issuer' };
  }
}

/** Parses `type:name:actions`; the name may itself hold ':' (e.g. `host:port/x`), so split at both ends. */
export function parseScope(scope: string): Access | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first < 0 || last <= first) return undefined;
  const actions = scope
    .slice(last + 1)
    .split(',')
    .filter(Boolean);
  return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions };
}

/**
 * Checks credentials. ghcr.io accepts any username with a valid token as password (a
 * GitHub token), so for that shape only the password matters.
 * Returns the user name, null when no credentials were given, or false when they are wrong.
 */
export function authenticate(
  shape: TokenShape,
  users: Record<string, string>,
  creds: { user: string; pass: string } | undefined
): string | null | false {
  if (!creds) return null;
  if (shape === 'ghcr') return Object.values(users).includes(creds.pass) ? creds.user : false;
  return users[creds.user] !== undefined && users[creds.user] === creds.pass ? creds.user : false;
}

/** Anonymous callers may pull; authenticated ones may pull and push. Nothing else is granted. */
export function grant(user: string | null, requested: Access): Access {
  const allowed = user ? ['pull', 'push'] : ['pull'];
  const actions = requested.type === 'repository' ? requested.actions.filter((a) => allowed.includes(a)) : [];
  return { ...requested, actions };
}

/** The JSON body of a successful GET token response, as each real service writes it. */
export function tokenBody(shape: TokenShape, token: string, ttlSeconds: number, refreshToken?: string): Record<string, unknown> {
  const issued_at = new Date().toISOString();
  switch (shape) {
    case 'dockerhub':
      // Docker Hub sends the token twice (old and OAuth2 spellings).
      return { token, access_token: token, expires_in: ttlSeconds, issued_at };
    case 'ghcr':
      // ghcr.io sends only the token: clients must assume the spec's 60 s default lifetime.
      return { token };
    case 'distribution':
      return { token, expires_in: ttlSeconds, issued_at, ...(refreshToken ? { refresh_token: refreshToken } : {}) };
  }
}

/** Parses a `Basic` Authorization header. */
export function basicCreds(header: string | undefined): { user: string; pass: string } | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m) return undefined;
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const i = text.indexOf(':');
  return i < 0 ? { user: text, pass: '' } : { user: text.slice(0, i), pass: text.slice(i + 1) };
}
