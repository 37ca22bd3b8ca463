/**
 * Docker Hub's pull-limit headers (`ratelimit-limit: 100;w=21600`,
 * `ratelimit-remaining: 76;w=21600`), kept so the summary can show the headroom left.
 */
export interface RateLimit {
  limit: number;
  remaining: number;
  windowSeconds?: number;
  source?: string;
}

type HeaderValue = string | string[] | undefined;

function first(value: HeaderValue): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function parseQuota(value: string | undefined): { count: number; window?: number } | undefined {
  const match = value ? /^\s*(\d+)(?:\s*;\s*w=(\d+))?/.exec(value) : null;
  if (!match) return undefined;
  return { count: Number(match[1]), window: match[2] ? Number(match[2]) : undefined };
}

export function parseRateLimit(headers: Record<string, HeaderValue>): RateLimit | undefined {
  const limit = parseQuota(first(headers['ratelimit-limit']));
  const remaining = parseQuota(first(headers['ratelimit-remaining']));
  if (!limit || !remaining) return undefined;
  return {
    limit: limit.count,
    remaining: remaining.count,
    windowSeconds: limit.window ?? remaining.window,
    source: first(headers['docker-ratelimit-source'])
  };
}
