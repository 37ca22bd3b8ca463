import { parseChallenges } from '../../src/transport/challenge.js';
import { parseRateLimit } from '../../src/transport/ratelimit.js';
import { backoffDelay, parseRetryAfter } from '../../src/transport/retry.js';

describe('WWW-Authenticate', () => {
  test("reads Docker Hub's Bearer challenge", () => {
    const [challenge] = parseChallenges(
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"'
    );
    expect(challenge).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/nginx:pull' }
    });
  });

  test('reads Basic, several challenges, unquoted values and escapes', () => {
    expect(parseChallenges('Basic realm="basic-realm"')).toEqual([{ scheme: 'basic', params: { realm: 'basic-realm' } }]);
    const challenges = parseChallenges('Basic realm=x, Bearer realm="http://a/t\\"q",error=insufficient_scope');
    expect(challenges.map((c) => c.scheme)).toEqual(['basic', 'bearer']);
    expect(challenges[1].params).toEqual({ realm: 'http://a/t"q', error: 'insufficient_scope' });
    expect(parseChallenges(undefined)).toEqual([]);
  });
});

describe('rate limits and Retry-After', () => {
  test("reads Docker Hub's headers", () => {
    expect(
      parseRateLimit({ 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '76;w=21600', 'docker-ratelimit-source': '1.2.3.4' })
    ).toEqual({
      limit: 100,
      remaining: 76,
      windowSeconds: 21600,
      source: '1.2.3.4'
    });
    expect(parseRateLimit({})).toBeUndefined();
  });

  test('Retry-After in seconds or as a date, capped by the policy', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    const policy = { retries: 3, baseDelayMs: 100, maxDelayMs: 1_000 };
    expect(backoffDelay(policy, 0, 60_000)).toBe(1_000);
    expect(backoffDelay(policy, 2)).toBeGreaterThanOrEqual(200);
    expect(backoffDelay(policy, 2)).toBeLessThanOrEqual(400);
  });
});
