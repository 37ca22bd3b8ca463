import type { Readable } from 'node:stream';
import type { Credentials } from '../authn/credentials.js';
import { RegistryError } from '../errors.js';
import type { Reference } from '../name/reference.js';
import { Authenticator } from '../transport/authenticator.js';
import { HttpClient, discardBody, firstHeader, type HttpClientOptions, type HttpResponse } from '../transport/http.js';
import { parseRateLimit, type RateLimit } from '../transport/ratelimit.js';
import type { StallBudget } from '../transport/stall.js';
import { endpointsFor, type Endpoint, type EndpointOptions } from './endpoint.js';
import { parseManifest, type FetchedManifest } from './manifest.js';
import { MANIFEST_ACCEPT, OCI_INDEX, type IndexManifest } from './media-types.js';
import { registryError } from './registry-error.js';
import { readCapped } from './read-capped.js';
import { mapLimit } from '../util/map-limit.js';
import { nextPageQuery } from './link-header.js';
import { sha256Digest } from '../layout/digest.js';

export interface RegistryClientOptions extends EndpointOptions {
  /** Credentials for a registry or mirror host; anonymous when it gives none. */
  credentials?: (host: string) => Promise<Credentials | undefined>;
  http?: HttpClientOptions;
  /** Manifests larger than this are refused (containerd's limit is 4 MiB too). */
  maxManifestBytes?: number;
}

export interface ManifestHead {
  digest: string;
  mediaType: string;
  size: number;
}

export interface BlobResponse {
  body: Readable;
  /** Where the body starts: the offset asked for when the registry honoured Range, else 0. */
  offset: number;
  /** Total size of the blob when the registry said. */
  size?: number;
}

export interface RequestCounts {
  manifestGet: number;
  manifestHead: number;
  blobGet: number;
}

const DEFAULT_MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
/** Configs are small; a large one is more likely an attack or a mistake. */
const MAX_CONFIG_BYTES = 8 * 1024 * 1024;
/** Registries page tag lists (Docker Hub by 100 at most); one page beyond this is not a tag list. */
const MAX_TAG_PAGE_BYTES = 4 * 1024 * 1024;

/**
 * The OCI distribution API for reading: manifests by tag or digest, blobs. Every
 * manifest's bytes are checked against the digest asked for and the one the registry
 * states; mirrors are tried first and the registry itself on any mirror failure.
 */
export class RegistryClient {
  readonly counts: RequestCounts = { manifestGet: 0, manifestHead: 0, blobGet: 0 };
  /** The last rate-limit headroom each registry reported. */
  readonly rateLimits = new Map<string, RateLimit>();
  private readonly http: HttpClient;
  private readonly authenticators = new Map<string, Authenticator>();
  /** Registries that answered 404 to the referrers API. */
  private readonly noReferrersApi = new Set<string>();

  constructor(private readonly options: RegistryClientOptions = {}) {
    this.http = new HttpClient(options.http);
  }

  async getManifest(repo: Reference, reference: string): Promise<FetchedManifest> {
    const limit = this.options.maxManifestBytes ?? DEFAULT_MAX_MANIFEST_BYTES;
    const { response, bytes } = await this.http.retryStalls(repo.registry, async () => {
      this.counts.manifestGet++;
      const response = await this.call(repo, `manifests/${reference}`, 'GET', { accept: MANIFEST_ACCEPT });
      return { response, bytes: await readCapped(response, limit, `manifest ${repo.name}:${reference}`) };
    });
    return parseManifest(bytes, {
      what: `${repo.name}@${reference}`,
      requestedDigest: reference.includes(':') ? reference : undefined,
      statedDigest: firstHeader(response.headers, 'docker-content-digest'),
      contentType: firstHeader(response.headers, 'content-type')
    });
  }

  /** The digest a tag points to, from a HEAD; undefined when the registry does not state it. */
  async headManifest(repo: Reference, reference: string): Promise<ManifestHead | undefined> {
    const response = await this.http.retryStalls(repo.registry, async () => {
      this.counts.manifestHead++;
      const response = await this.call(repo, `manifests/${reference}`, 'HEAD', { accept: MANIFEST_ACCEPT });
      await discardBody(response.body);
      return response;
    });
    const digest = firstHeader(response.headers, 'docker-content-digest');
    const mediaType = firstHeader(response.headers, 'content-type')?.split(';')[0]?.trim();
    if (!digest || !mediaType) return undefined;
    return { digest, mediaType, size: Number(firstHeader(response.headers, 'content-length') ?? 0) };
  }

  /**
   * One page of the repository's tag list (`GET /v2/<name>/tags/list`), `query` as the
   * previous page's `Link` gave it; `next` is the following page's query, when there is one.
   */
  async getTagsPage(repo: Reference, query: string): Promise<{ tags: string[]; next?: string }> {
    const response = await this.call(repo, `tags/list${query}`, 'GET', { accept: 'application/json' });
    const bytes = await readCapped(response, MAX_TAG_PAGE_BYTES, `tag list of ${repo.name}`);
    let tags: unknown;
    try {
      tags = (JSON.parse(bytes.toString('utf8')) as { tags?: unknown }).tags ?? [];
    } catch {
      throw new RegistryError(`tag list of ${repo.name} is not valid JSON`);
    }
    if (!Array.isArray(tags) || tags.some((tag) => typeof tag !== 'string')) {
      throw new RegistryError(`tag list of ${repo.name} is not a list of tags`);
    }
    return { tags: tags as string[], next: nextPageQuery(firstHeader(response.headers, 'link'), `tag list of ${repo.name}`) };
  }

  /**
   * The OCI 1.1 referrers of a manifest (`GET /v2/<name>/referrers/<digest>`), an image
   * index; undefined when the registry has no referrers API (404), so the caller falls back
   * to the `sha256-<hex>` tag schema.
   */
  async getReferrers(repo: Reference, digest: string): Promise<IndexManifest | undefined> {
    // A registry without the API lacks it for every repository: ask it once per run.
    if (this.noReferrersApi.has(repo.registry)) return undefined;
    try {
      const response = await this.call(repo, `referrers/${digest}`, 'GET', { accept: OCI_INDEX });
      const bytes = await readCapped(
        response,
        this.options.maxManifestBytes ?? DEFAULT_MAX_MANIFEST_BYTES,
        `referrers of ${repo.name}@${digest}`
      );
      const index = JSON.parse(bytes.toString('utf8')) as IndexManifest;
      if (!Array.isArray(index.manifests)) throw new RegistryError(`referrers of ${repo.name}@${digest} is not an image index`);
      return index;
    } catch (error) {
      if (error instanceof RegistryError && error.status === 404) {
        this.noReferrersApi.add(repo.registry);
        return undefined;
      }
      if (error instanceof SyntaxError) throw new RegistryError(`referrers of ${repo.name}@${digest} is not valid JSON`);
      throw error;
    }
  }

  /** A manifest that may be absent (a signature tag): undefined on 404. */
  async findManifest(repo: Reference, reference: string): Promise<FetchedManifest | undefined> {
    try {
      return await this.getManifest(repo, reference);
    } catch (error) {
      if (error instanceof RegistryError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** A small JSON blob (an image config), read whole and checked against its digest. */
  async getBlobJson<T>(repo: Reference, digest: string): Promise<T> {
    const bytes = await this.getSmallBlob(repo, digest);
    try {
      return JSON.parse(bytes.toString('utf8')) as T;
    } catch {
      throw new RegistryError(`blob ${repo.name}@${digest} is not valid JSON`);
    }
  }

  /** A small blob's exact bytes (a config, a signature payload), checked against its digest. */
  async getSmallBlob(repo: Reference, digest: string): Promise<Buffer> {
    const bytes = await this.http.retryStalls(repo.registry, async () => {
      const { body } = await this.openBlob(repo, digest);
      return readCapped({ body }, MAX_CONFIG_BYTES, `blob ${repo.name}@${digest}`);
    });
    const actual = sha256Digest(bytes);
    if (digest.startsWith('sha256:') && actual !== digest) {
      throw new RegistryError(`blob ${repo.name}@${digest} does not match its digest (got ${actual})`);
    }
    return bytes;
  }

  /** How many stalls a blob download may meet over all its resumes. */
  stallBudget(repo: Reference): StallBudget {
    return this.http.stallBudget(repo.registry);
  }

  /** A blob as a stream, from `offset` when the registry honours Range. */
  async openBlob(repo: Reference, digest: string, offset = 0): Promise<BlobResponse> {
    this.counts.blobGet++;
    const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-` } : {};
    const response = await this.call(repo, `blobs/${digest}`, 'GET', headers);
    const partial = response.status === 206;
    const range = /\/(\d+)$/.exec(firstHeader(response.headers, 'content-range') ?? '');
    const length = Number(firstHeader(response.headers, 'content-length') ?? NaN);
    const size = partial ? (range ? Number(range[1]) : undefined) : Number.isNaN(length) ? undefined : length;
    return { body: response.body, offset: partial ? offset : 0, size };
  }

  /**
   * Authorises every repository ahead, in parallel, so that the first request to each
   * one does not wait a token round trip of its own behind the others. A failure is
   * left for the real request to meet and report.
   */
  async authorize(repositories: readonly Reference[], concurrency: number): Promise<void> {
    const unique = new Map(repositories.map((repo) => [repo.name, repo]));
    await mapLimit([...unique.values()], concurrency, async (repo) => {
      const endpoint = endpointsFor(repo.registry, this.options)[0];
      await this.authenticator(endpoint)
        .authorization(scopeOf(repo))
        .catch(() => undefined);
    });
  }

  close(): Promise<void> {
    return this.http.close();
  }

  private async call(repo: Reference, path: string, method: 'GET' | 'HEAD', headers: Record<string, string>): Promise<HttpResponse> {
    const endpoints = endpointsFor(repo.registry, this.options);
    const failures: string[] = [];
    for (const endpoint of endpoints) {
      try {
        const response = await this.callEndpoint(endpoint, repo, path, method, headers);
        if (response.status < 300) return response;
        const error = await registryError(response, `${method} ${repo.name} ${path}`);
        if (!endpoint.mirror) throw error;
        failures.push(error.message);
      } catch (error) {
        if (!endpoint.mirror) throw withMirrorFailures(error, failures);
        failures.push(error instanceof Error ? error.message : String(error));
      }
    }
    throw new RegistryError(`no endpoint answered for ${repo.name}`);
  }

  private async callEndpoint(
    endpoint: Endpoint,
    repo: Reference,
    path: string,
    method: 'GET' | 'HEAD',
    headers: Record<string, string>
  ): Promise<HttpResponse> {
    const auth = this.authenticator(endpoint);
    const scope = scopeOf(repo);
    const url = new URL(`v2/${repo.repository}/${path}`, endpoint.base);
    for (let attempt = 0; ; attempt++) {
      const response = await this.http.send(url, { method, headers: { ...headers, ...(await auth.authorization(scope)) } });
      const rateLimit = parseRateLimit(response.headers);
      if (rateLimit) this.rateLimits.set(repo.registry, rateLimit);
      if (response.status !== 401 || attempt > 0) return response;
      // An expired or revoked token, or a registry that only challenges on real
      // requests: learn from the 401 and try once more.
      await discardBody(response.body);
      auth.invalidate(scope, firstHeader(response.headers, 'www-authenticate'));
    }
  }

  private authenticator(endpoint: Endpoint): Authenticator {
    const key = endpoint.base.href;
    let auth = this.authenticators.get(key);
    if (!auth) {
      const lookup = this.options.credentials;
      auth = new Authenticator(this.http, endpoint.base, async () => lookup?.(endpoint.credentialHost));
      this.authenticators.set(key, auth);
    }
    return auth;
  }
}

function scopeOf(repo: Reference): string {
  return `repository:${repo.repository}:pull`;
}

function withMirrorFailures(error: unknown, failures: string[]): unknown {
  if (!(error instanceof RegistryError) || failures.length === 0) return error;
  return new RegistryError(`${error.message} (mirrors failed too: ${failures.join('; ')})`, error.status);
}
