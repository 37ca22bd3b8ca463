import { InputError } from '../errors.js';
import { DOCKER_HUB } from '../name/reference.js';

/**
 * Where a registry is served. Docker Hub's API host is `registry-1.docker.io`;
 * loopback registries may be plain http, as with Docker, and so may those listed as
 * insecure; mirrors are tried first.
 */
export interface Endpoint {
  /** Base URL the `/v2/` API hangs off. */
  base: URL;
  /** Host whose credentials apply (the registry's own name for the upstream endpoint). */
  credentialHost: string;
  mirror: boolean;
}

export interface EndpointOptions {
  /** Registry -> mirror URLs, tried in order before the registry itself. */
  mirrors?: Record<string, string[]>;
  /** Hosts reached over plain http. */
  insecureRegistries?: string[];
  /**
   * Registry API host -> URL it is really served at, like curl's `--resolve`: lets a
   * test or an air-gapped network stand a server in for `registry-1.docker.io`
   * without changing any name.
   */
  overrides?: Record<string, string>;
}

const DOCKER_HUB_API = 'registry-1.docker.io';

export function endpointsFor(registry: string, options: EndpointOptions = {}): Endpoint[] {
  const mirrors = (options.mirrors?.[registry] ?? []).map((url) => ({
    base: parseBaseUrl(url),
    credentialHost: parseBaseUrl(url).host,
    mirror: true
  }));
  const apiHost = registry === DOCKER_HUB ? DOCKER_HUB_API : registry;
  const override = options.overrides?.[apiHost];
  const scheme = isLoopback(apiHost) || options.insecureRegistries?.includes(registry) ? 'http' : 'https';
  const base = override ? parseBaseUrl(override) : new URL(`${scheme}://${apiHost}`);
  return [...mirrors, { base, credentialHost: registry, mirror: false }];
}

/** A mirror or override URL; a bare `host:port` gets the scheme its host deserves. */
export function parseBaseUrl(text: string): URL {
  const withScheme = /^[a-z]+:\/\//i.test(text) ? text : `${isLoopback(text) ? 'http' : 'https'}://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new InputError(`invalid registry URL "${text}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InputError(`invalid registry URL "${text}": not http(s)`);
  url.pathname = url.pathname.replace(/\/+$/, '') + '/';
  return url;
}

export function isLoopback(host: string): boolean {
  const hostname = host.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
  return hostname === 'localhost' || hostname === '::1' || /^127(\.\d{1,3}){3}$/.test(hostname);
}
