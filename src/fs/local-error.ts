import { ImageLockError, LocalError, messageOf } from '../errors.js';

/** errno codes in words a user acts on; the code itself follows, for searching. */
const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'part of the path is not a folder',
  EISDIR: 'it is a folder',
  ELOOP: 'too many levels of symbolic links',
  EMFILE: 'too many open files',
  EIO: 'an input/output error'
};

/**
 * A file-system failure as a `LocalError` (exit 2) that says what could not be done
 * (`cannot write the lockfile image-lock.json`), not which temporary file failed.
 */
export function localError(error: unknown, doing: string): ImageLockError {
  if (error instanceof ImageLockError) return error;
  const code = (error as { code?: unknown }).code;
  const reason = typeof code === 'string' && REASONS[code] ? `${REASONS[code]} (${code})` : messageOf(error);
  return new LocalError(`${doing}: ${reason}`);
}
