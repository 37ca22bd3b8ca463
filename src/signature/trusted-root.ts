import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial, type TrustMaterial } from '@sigstore/verify';
import { InputError } from '../errors.js';

/**
 * The CAs and logs keyless signatures are checked against, read once per run from a
 * trusted root file (protobuf-specs JSON, as `cosign trusted-root create` and Sigstore's
 * TUF repository give it).
 */
export async function loadTrustedRoot(cwd: string, path: string): Promise<TrustMaterial> {
  try {
    return toTrustMaterial(TrustedRoot.fromJSON(JSON.parse(await readFile(resolve(cwd, path), 'utf8'))));
  } catch (error) {
    throw new InputError(`cannot read the trusted root ${path}: ${(error as Error).message}`);
  }
}
