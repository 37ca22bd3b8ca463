/**
 * What a registry login holds, in Docker's terms (docker/cli `types.AuthConfig`).
 * Every field is a secret except `username`.
 */
export interface Credentials {
  username?: string;
  password?: string;
  /** An OAuth2 refresh token, exchanged at the token server (`identitytoken` in Docker's config). */
  identityToken?: string;
  /** A bearer token sent to the registry as it is (`registrytoken` in Docker's config). */
  registryToken?: string;
}

const REDACTED = '***';

/**
 * `text` with every secret of `credentials` replaced by `***`, including the Basic
 * `user:password` encoding, for messages that quote registry or helper output.
 */
export function redact(text: string, credentials: Credentials | undefined): string {
  if (!credentials) return text;
  const { username, password, identityToken, registryToken } = credentials;
  const basic = username !== undefined && password ? Buffer.from(`${username}:${password}`).toString('base64') : undefined;
  const secrets = [basic, password, identityToken, registryToken].filter((secret): secret is string => !!secret);
  // Longest first, so a secret containing another is replaced whole.
  secrets.sort((a, b) => b.length - a.length);
  return secrets.reduce((redacted, secret) => redacted.split(secret).join(REDACTED), text);
}

/**
 * Whether `credentials` hold anything to authenticate with: with a credsStore, Docker
 * leaves an empty `auths` entry per login, and a username alone authenticates nothing.
 */
export function hasSecret(credentials: Credentials): boolean {
  return !!(credentials.password || credentials.identityToken || credentials.registryToken);
}
