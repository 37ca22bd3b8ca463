import { InputError } from '../errors.js';

/**
 * Docker's reference grammar (distribution/reference), normalised the way
 * `docker pull` does it: `nginx` is `docker.io/library/nginx:latest`.
 */
export const DOCKER_HUB = 'docker.io';
const LEGACY_DOCKER_HUB = 'index.docker.io';
const OFFICIAL_PREFIX = 'library/';
const NAME_MAX_LENGTH = 255;

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`);
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const IDENTIFIER = /^[a-f0-9]{64}$/;
/** Hex lengths of the digest algorithms go-digest knows; anything else is refused. */
const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

export class Reference {
  constructor(
    /** Registry host[:port], `docker.io` for Docker Hub. */
    readonly registry: string,
    /** Repository path inside the registry, `library/nginx` for official images. */
    readonly repository: string,
    /** The tag as written, or undefined when none was written. */
    readonly writtenTag: string | undefined,
    readonly digest: string | undefined
  ) {}

  /** `registry/repository`. */
  get name(): string {
    return `${this.registry}/${this.repository}`;
  }

  /** The tag that applies: the written one, else `latest` when no digest pins it. */
  get tag(): string | undefined {
    return this.writtenTag ?? (this.digest ? undefined : 'latest');
  }

  /** What a registry is asked for: the digest when there is one, since it is what counts. */
  get manifestReference(): string {
    return this.digest ?? this.tag!;
  }

  /** The normalised reference: `docker.io/library/nginx:latest`, `ghcr.io/o/r:1@sha256:...`. */
  toString(): string {
    const tag = this.tag ? `:${this.tag}` : '';
    const digest = this.digest ? `@${this.digest}` : '';
    return `${this.name}${tag}${digest}`;
  }

  /** The same reference pinned to `digest`, keeping its tag: `name:tag@digest`. */
  withDigest(digest: string): Reference {
    return new Reference(this.registry, this.repository, this.tag, digest);
  }
}

export function parseReference(text: string): Reference {
  const fail = (reason: string): never => {
    throw new InputError(`invalid image reference "${text}": ${reason}`);
  };
  if (text === '') fail('it is empty');
  if (text === 'scratch') fail("'scratch' is a reserved name, not an image");
  if (IDENTIFIER.test(text)) fail('cannot specify 64-byte hexadecimal strings');

  const at = text.indexOf('@');
  const nameAndTag = at === -1 ? text : text.slice(0, at);
  const digest = at === -1 ? undefined : text.slice(at + 1);
  const colon = nameAndTag.lastIndexOf(':');
  const hasTag = colon > nameAndTag.lastIndexOf('/');
  const name = hasTag ? nameAndTag.slice(0, colon) : nameAndTag;
  const tag = hasTag ? nameAndTag.slice(colon + 1) : undefined;

  const [domain, remainder] = splitDomain(name);
  const registry = domain === LEGACY_DOCKER_HUB ? DOCKER_HUB : domain;
  if (remainder.toLowerCase() !== remainder) fail('repository name must be lowercase');
  if (!DOMAIN.test(registry)) fail(`invalid registry host "${registry}"`);
  for (const component of remainder.split('/')) {
    if (!PATH_COMPONENT.test(component)) {
      fail(component === '' ? 'invalid reference format' : `invalid repository path component "${component}"`);
    }
  }
  const repository = registry === DOCKER_HUB && !remainder.includes('/') ? OFFICIAL_PREFIX + remainder : remainder;
  if (`${registry}/${repository}`.length > NAME_MAX_LENGTH) fail(`repository name must have at most ${NAME_MAX_LENGTH} characters`);
  if (tag !== undefined && !TAG.test(tag)) fail(`invalid tag "${tag}"`);
  if (digest !== undefined) validateDigest(digest, fail);
  return new Reference(registry, repository, tag, digest);
}

/** Docker's rule: the first path part is a registry only if it looks like a host. */
function splitDomain(name: string): [string, string] {
  const slash = name.indexOf('/');
  const first = name.slice(0, slash);
  const isDomain = slash !== -1 && (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first);
  if (!isDomain) return [DOCKER_HUB, name];
  return [first, name.slice(slash + 1)];
}

export function validateDigest(digest: string, fail: (reason: string) => never): void {
  if (!DIGEST.test(digest)) fail(`invalid digest "${digest}"`);
  const [algorithm, hex] = digest.split(':') as [string, string];
  const length = DIGEST_HEX_LENGTH[algorithm];
  if (length === undefined) fail(`unsupported digest algorithm "${algorithm}"`);
  if (hex.length !== length || !/^[a-f0-9]+$/.test(hex)) {
    fail(`invalid ${algorithm} digest "${digest}": expected ${length} lowercase hex characters`);
  }
}

/** Parses a digest on its own, as found in a lockfile or a registry header. */
export function parseDigest(digest: string): string {
  validateDigest(digest, (reason) => {
    throw new InputError(reason);
  });
  return digest;
}
