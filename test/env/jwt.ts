// Signing registry tokens the way distribution 2.8 verifies them.
//
// distribution's token auth (registry/auth/token) picks the verification key from the
// JWT header: with `x5c` it parses the chain, verifies it against the certificates in
// `auth.token.rootcertbundle` and uses the leaf's public key. A self-signed certificate
// that is both the x5c leaf and the whole bundle verifies fine. (Without x5c it would look
// the `kid` up among libtrust fingerprints of the bundle's keys; x5c avoids that format.)
import { createPrivateKey, randomUUID, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool, runOk } from './proc.js';

export interface Signer {
  /** PEM certificate to use as the registry's `rootcertbundle`. */
  certFile: string;
  keyFile: string;
  /** The certificate's DER, base64 (not url-safe), as `x5c` wants it. */
  x5c: string;
  key: KeyObject;
}

/** Makes an RSA key and a self-signed certificate with the openssl CLI, in `dir`. */
export async function createSigner(dir: string): Promise<Signer> {
  const openssl = requireTool('openssl', 'apt-get install openssl');
  const keyFile = join(dir, 'token-key.pem');
  const certFile = join(dir, 'token-cert.pem');
  await runOk(openssl, [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-sha256',
    '-keyout',
    keyFile,
    '-out',
    certFile,
    // The registry checks the chain's validity window; 30 days outlives any test run.
    '-days',
    '30',
    '-subj',
    '/CN=image-lock test token issuer'
  ]);
  const cert = new X509Certificate(readFileSync(certFile));
  return {
    certFile,
    keyFile,
    x5c: cert.raw.toString('base64'),
    key: createPrivateKey(readFileSync(keyFile))
  };
}

export interface Access {
  type: string;
  name: string;
  actions: string[];
}

export interface TokenClaims {
  iss: string;
  sub: string;
  aud: string;
  exp: number;
  nbf: number;
  iat: number;
  jti: string;
  access: Access[];
}

/** Builds the claims of a registry token valid for `ttlSeconds` from now. */
export function makeClaims(issuer: string, service: string, subject: string, access: Access[], ttlSeconds: number): TokenClaims {
  const now = Math.floor(Date.now() / 1000);
  // 2.8 reads `aud` as a single string, not an array.
  return { iss: issuer, sub: subject, aud: service, exp: now + ttlSeconds, nbf: now - 1, iat: now, jti: randomUUID(), access };
}

/** An RS256 JWT whose header carries the signer's certificate in `x5c`. */
export function signJwt(signer: Signer, claims: TokenClaims): string {
  const header = { typ: 'JWT', alg: 'RS256', x5c: [signer.x5c] };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const signature = sign('sha256', Buffer.from(input), signer.key);
  return `${input}.${b64url(signature)}`;
}

/** Decodes a JWT's payload without verifying it (tests inspect what was granted). */
export function decodeJwt(token: string): TokenClaims {
  const part = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as TokenClaims;
}

function b64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}
