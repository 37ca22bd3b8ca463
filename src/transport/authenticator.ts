import type { Credentials } from '../authn/credentials.js';
import { RegistryError } from '../errors.js';
import { parseChallenges, type Challenge } from './challenge.js';
import { discardBody, type HttpClient } from './http.js';
import { basicHeader, fetchToken, type BearerToken } from './token.js';

/**
 * How to authorise requests to one registry endpoint. It pings `/v2/` once to learn
 * the challenge (as Docker does), then hands out a Basic header or a Bearer token per
 * scope. Concurrent callers share one ping and one token request per scope.
 */
export class Authenticator {
  private challenge?: Promise<Challenge | undefined>;
  private readonly tokens = new Map<string, Promise<BearerToken>>();
  private credentials?: Promise<Credentials | undefined>;

  constructor(
    private readonly http: HttpClient,
    /** The endpoint's base URL, e.g. `https://registry-1.docker.io`. */
    private readonly base: URL,
    private readonly lookupCredentials: () => Promise<Credentials | undefined>
  ) {}

  /** The `Authorization` header for a request in `scope`, or none when the registry is open. */
  async authorization(scope: string): Promise<Record<string, string>> {
    const challenge = await (this.challenge ??= this.ping());
    if (!challenge) return {};
    const credentials = await (this.credentials ??= this.lookupCredentials());
    if (challenge.scheme === 'basic') {
      if (!credentials?.password) throw new RegistryError(`${this.base.host} requires credentials and none are configured`, 401);
      return basicHeader(credentials);
    }
    if (credentials?.registryToken) return { authorization: `Bearer ${credentials.registryToken}` };
    let pending = this.tokens.get(scope);
    const cached = pending && (await pending.catch(() => undefined));
    if (!cached || cached.expiresAt <= Date.now()) {
      pending = fetchToken(this.http, challenge.params, scope, credentials);
      this.tokens.set(scope, pending);
      pending.catch(() => this.tokens.delete(scope));
    }
    return { authorization: `Bearer ${(await pending!).token}` };
  }

  /** After a 401 on an authorised request: the next call fetches a fresh token. */
  invalidate(scope: string, wwwAuthenticate: string | undefined): void {
    this.tokens.delete(scope);
    const challenge = pickChallenge(parseChallenges(wwwAuthenticate));
    if (challenge) this.challenge = Promise.resolve(challenge);
  }

  private async ping(): Promise<Challenge | undefined> {
    const response = await this.http.send(new URL('/v2/', this.base));
    await discardBody(response.body);
    if (response.status === 401) {
      const challenge = pickChallenge(parseChallenges(firstValue(response.headers['www-authenticate'])));
      if (!challenge) throw new RegistryError(`${this.base.host} answered 401 without a usable challenge`, 401);
      return challenge;
    }
    if (response.status >= 200 && response.status < 300) return undefined;
    // Some mirrors and proxies do not serve /v2/ at all; requests then go out
    // anonymously and a 401 on them brings the challenge.
    if (response.status === 404) return undefined;
    throw new RegistryError(`${this.base.host} answered HTTP ${response.status} to /v2/`, response.status);
  }
}

function pickChallenge(challenges: Challenge[]): Challenge | undefined {
  return challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
