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

export function exitCodeOf(error: unknown): number {
  return error instanceof ImageLockError ? error.exitCode : 3;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
