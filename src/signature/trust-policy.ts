import { createPublicKey, createHash, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { InputError } from '../errors.js';
import { isAllowed } from '../policy/allow.js';
import type { Reference } from '../name/reference.js';

/** Who may sign the images a rule's patterns match: a keyless identity or a public key. */
export type Signer = { identity?: string; identityRegexp?: RegExp; issuer: string } | { key: KeyObject; fingerprint: string };

export interface TrustRule {
  images: string[];
  signers: Signer[];
}

export interface TrustPolicy {
  rules: TrustRule[];
}

export const DEFAULT_TRUST_POLICY = '.github/image-lock-trust.yml';

/**
 * The trust policy file:
 * `signatures: [{images: [PATTERN...], keyless: [{identity | identity-regexp, issuer}], keys: [PEM path]}]`;
 * patterns are the `allow` patterns, the first rule that matches a reference applies.
 */
export async function loadTrustPolicy(cwd: string, path: string): Promise<TrustPolicy> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, path), 'utf8');
  } catch (error) {
    throw new InputError(`cannot read the trust policy ${path}: ${(error as Error).message}`);
  }
  const document = parse(text) as { signatures?: unknown } | null;
  if (!document || !Array.isArray(document.signatures)) throw new InputError(`trust policy ${path} has no signatures: list`);
  const rules = await Promise.all(document.signatures.map((entry, index) => parseRule(cwd, path, index, entry)));
  return { rules };
}

/** The rule for a reference, or undefined when no pattern matches it (then no signature is asked for). */
export function ruleFor(policy: TrustPolicy, reference: Reference): TrustRule | undefined {
  return policy.rules.find((rule) => isAllowed(reference, rule.images));
}

async function parseRule(cwd: string, path: string, index: number, entry: unknown): Promise<TrustRule> {
  const where = `trust policy ${path}, rule ${index + 1}`;
  const rule = (entry ?? {}) as { images?: unknown; keyless?: unknown; keys?: unknown };
  const images = list(rule.images, `${where}: images`);
  const keyless = (Array.isArray(rule.keyless) ? rule.keyless : []).map((item) => keylessSigner(item, where));
  const keys = await Promise.all(list(rule.keys ?? [], `${where}: keys`).map((file) => keySigner(cwd, file, where)));
  const signers = [...keyless, ...keys];
  if (images.length === 0 || signers.length === 0) throw new InputError(`${where}: needs images and at least one keyless identity or key`);
  return { images, signers };
}

function keylessSigner(item: unknown, where: string): Signer {
  const { identity, 'identity-regexp': regexp, issuer } = (item ?? {}) as Record<string, unknown>;
  if (typeof issuer !== 'string' || (typeof identity !== 'string') === (typeof regexp !== 'string')) {
    throw new InputError(`${where}: a keyless signer needs an issuer and one of identity or identity-regexp`);
  }
  if (typeof identity === 'string') return { identity, issuer };
  try {
    return { identityRegexp: new RegExp(regexp as string), issuer };
  } catch (error) {
    throw new InputError(`${where}: invalid identity-regexp: ${(error as Error).message}`);
  }
}

async function keySigner(cwd: string, file: string, where: string): Promise<Signer> {
  try {
    const key = createPublicKey(await readFile(resolve(cwd, file), 'utf8'));
    return { key, fingerprint: keyFingerprint(key) };
  } catch (error) {
    throw new InputError(`${where}: cannot read the public key ${file}: ${(error as Error).message}`);
  }
}

/** `sha256:<hex>` of the key's DER SubjectPublicKeyInfo, as SPEC's `signedBy.key`. */
export function keyFingerprint(key: KeyObject): string {
  return `sha256:${createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest('hex')}`;
}

function list(value: unknown, what: string): string[] {
  const values = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(values) || values.some((item) => typeof item !== 'string')) throw new InputError(`${what} must be a list of strings`);
  return values as string[];
}
