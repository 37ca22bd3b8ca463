import { createHash } from 'node:crypto';
import { InputError } from '../errors.js';

const SHA256_DIGEST = /^sha256:([a-f0-9]{64})$/;

/** The hex part of a sha256 digest: the blob's file name in an OCI image layout. */
export function digestHex(digest: string): string {
  const match = SHA256_DIGEST.exec(digest);
  // Every registry and tool in use writes sha256; the store keeps nothing it cannot check.
  if (!match) throw new InputError(`unsupported blob digest "${digest}": only sha256 blobs can be stored`);
  return match[1];
}

export function isSha256Hex(name: string): boolean {
  return /^[a-f0-9]{64}$/.test(name);
}

export function sha256Digest(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
