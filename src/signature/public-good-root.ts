import { homedir } from 'node:os';
import { join } from 'node:path';
import { toTrustMaterial, type TrustMaterial } from '@sigstore/verify';
import { InputError, isLocalFault, LocalError, RegistryError } from '../errors.js';

/** Where Sigstore's public-good trusted root comes from: its TUF repository, cached on disk. */
export interface PublicGoodSource {
  /** The TUF client's cache (metadata and the trusted root), kept between runs where the folder is. */
  cacheDir: string;
  /** A mirror of the TUF repository (air-gapped networks, tests); Sigstore's own by default. */
  mirror?: string;
  /** The mirror's initial root.json; the one @sigstore/tuf embeds is for Sigstore's own repository. */
  initialRoot?: string;
}

/**
 * Sigstore's public-good trusted root (Fulcio's CAs, Rekor's logs, the CT logs), got through
 * TUF: @sigstore/tuf starts from the TUF root it embeds, checks the repository's signed
 * metadata up to date on every run (so rotated keys and new logs arrive without a release of
 * image-lock), and verifies the `trusted_root.json` target against it. The embedded seed
 * alone cannot verify offline: it holds no timestamp, snapshot or targets metadata.
 */
export async function loadPublicGoodRoot(source: PublicGoodSource): Promise<TrustMaterial> {
  // Loaded only when needed: the TUF client and its fetcher weigh more than the rest of a run's code.
  const { getTrustedRoot, DEFAULT_MIRROR_URL } = await import('@sigstore/tuf');
  const mirror = source.mirror ?? DEFAULT_MIRROR_URL;
  try {
    const root = await getTrustedRoot({ cachePath: source.cacheDir, mirrorURL: mirror, rootPath: source.initialRoot });
    return toTrustMaterial(root);
  } catch (error) {
    const why = causes(error);
    // No initial root for a mirror other than Sigstore's: a setting to fix, not a network fault.
    if ((error as { code?: string }).code === 'TUF_INIT_CACHE_ERROR')
      throw new InputError(`${why}: set IMAGE_LOCK_TUF_ROOT to its root.json`);
    if (isLocalFault(error)) throw new LocalError(`cannot set up Sigstore's TUF cache in ${source.cacheDir}: ${why}`);
    throw new RegistryError(
      `cannot get Sigstore's public-good trusted root from the TUF repository ${mirror}: ${why}; give --trusted-root FILE to check keyless signatures without it`
    );
  }
}

/** The CLI's TUF cache: the user's cache folder (`$XDG_CACHE_HOME`, else `~/.cache`). */
export function userTufCache(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'image-lock', 'sigstore-tuf');
}

/** The error and its causes on one line: @sigstore/tuf wraps what tuf-js and the fetch said. */
function causes(error: unknown): string {
  const messages: string[] = [];
  for (let cause = error; cause instanceof Error && messages.length < 4; cause = cause.cause) messages.push(cause.message);
  return [...new Set(messages)].join(': ').replace(/\s+/g, ' ');
}
