import { resolve } from 'node:path';
import type { Level } from '../policy/policy.js';
import { userTufCache, type PublicGoodSource } from '../signature/public-good-root.js';
import { DEFAULT_TRUST_POLICY } from '../signature/trust-policy.js';

/** `--verify-signatures` and what it reads: the trust policy and the trusted root keyless signatures chain to. */
export interface SignatureOptions {
  /** The level of a locked digest not signed as the policy says. */
  level: Exclude<Level, 'ignore'>;
  /** The trust policy file, relative to `cwd`. */
  policy: string;
  /** A trusted root (protobuf-specs JSON) for keyless signatures. */
  trustedRoot?: string;
  /** Without `trustedRoot`, keyless signatures are checked against Sigstore's public-good root, got from here. */
  publicGood: PublicGoodSource;
}

export interface RawSignatureOptions {
  cwd: string;
  verifySignatures?: string;
  trustPolicy?: string;
  trustedRoot?: string;
  /** Sigstore's TUF cache folder (the CLI's: the user's cache; the action's: the runner's tool cache). */
  tufCache?: string;
  /** `IMAGE_LOCK_TUF_MIRROR` and `IMAGE_LOCK_TUF_ROOT`: a mirror of Sigstore's TUF repository and its initial root.json. */
  tufMirror?: string;
  tufRoot?: string;
}

/** The signature options at `level`; undefined when signatures are not checked. */
export function parseSignatureOptions(raw: RawSignatureOptions, level: Level): SignatureOptions | undefined {
  if (level === 'ignore') return undefined;
  return {
    level,
    policy: raw.trustPolicy?.trim() || DEFAULT_TRUST_POLICY,
    trustedRoot: raw.trustedRoot?.trim() || undefined,
    publicGood: {
      cacheDir: raw.tufCache || userTufCache(process.env),
      mirror: raw.tufMirror?.trim() || undefined,
      initialRoot: raw.tufRoot?.trim() ? resolve(raw.cwd, raw.tufRoot.trim()) : undefined
    }
  };
}
