import { InputError } from '../errors.js';
import { parseReference, type Reference } from '../name/reference.js';

/**
 * Whether an `allow` pattern exempts a reference. A pattern with `*` is a glob (`*`
 * matches anything, `/` included) tried against the normalised reference and against its
 * name: `docker.io/library/*`, `localhost:5000/*`, `*:latest`. A pattern without `*` is
 * a reference, normalised first: `nginx` exempts every nginx, `nginx:1.25` that tag only.
 */
export function isAllowed(reference: Reference, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => (pattern.includes('*') ? matchesGlob(reference, pattern) : matchesReference(reference, pattern)));
}

function matchesGlob(reference: Reference, pattern: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[\\^$.+?()[\]{}|]/g, '\\$&'))
    .join('.*');
  const glob = new RegExp(`^${source}$`);
  return glob.test(reference.toString()) || glob.test(reference.name);
}

function matchesReference(reference: Reference, pattern: string): boolean {
  let allowed: Reference;
  try {
    allowed = parseReference(pattern);
  } catch (error) {
    if (error instanceof InputError) throw new InputError(`invalid allow pattern "${pattern}": ${error.message}`);
    throw error;
  }
  return (
    allowed.name === reference.name &&
    (allowed.writtenTag === undefined || allowed.writtenTag === reference.tag) &&
    (allowed.digest === undefined || allowed.digest === reference.digest)
  );
}
