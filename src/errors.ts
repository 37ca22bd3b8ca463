/**
 * Errors that carry the exit code SPEC gives them, so the CLI and the action can map
 * any failure to a clear message without a stack trace.
 */
export abstract class ImageLockError extends Error {
  abstract readonly exitCode: 1 | 2 | 3;
}

/** A policy or verification failure the user asked to enforce (exit 1). */
export class PolicyError extends ImageLockError {
  readonly exitCode = 1;
}

/** Bad input: an unparseable reference, an unreadable lockfile, an unknown flag (exit 2). */
export class InputError extends ImageLockError {
  readonly exitCode = 2;
}

/**
 * A local problem (exit 2, as bad input): a path that cannot be read or written, a full
 * disk, a target outside the repository. The message names the path the user gave.
 */
export class LocalError extends InputError {}

/** A registry, network or authentication failure after retries (exit 3). */
export class RegistryError extends ImageLockError {
  readonly exitCode = 3;
  constructor(
    message: string,
    readonly status?: number
  ) {
    super(message);
  }
}

/** errno codes of the local file system, as opposed to the network's (`ECONNRESET`, ...). */
const LOCAL_ERRNO = new Set([
  'ENOSPC',
  'EDQUOT',
  'EACCES',
  'EPERM',
  'EROFS',
  'ENOENT',
  'ENOTDIR',
  'EISDIR',
  'EEXIST',
  'ELOOP',
  'EMFILE',
  'EIO'
]);

export function isLocalFault(error: unknown): boolean {
  return LOCAL_ERRNO.has((error as { code?: unknown } | undefined)?.code as string);
}

/** The exit code SPEC gives a failure; a stray file-system error is still a local problem (2). */
export function exitCodeOf(error: unknown): number {
  if (error instanceof ImageLockError) return error.exitCode;
  return isLocalFault(error) ? 2 : 3;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
