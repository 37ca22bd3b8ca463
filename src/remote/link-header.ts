import { RegistryError } from '../errors.js';

/** Only the query of the target counts; a relative target resolves against any base. */
const BASE = 'http://link.invalid';

/**
 * The query of a `Link: </v2/<name>/tags/list?last=x&n=100>; rel="next"` header (RFC 5988),
 * as `?…`; `what` names the list in the error for a target that is not a URL.
 */
export function nextPageQuery(link: string | undefined, what: string): string | undefined {
  // `[^<>]`, not `[^>]`: a header of many `<` and no `>` would be scanned to its end from each.
  const target = /<([^<>]*)>\s*;\s*rel="?next"?/i.exec(link ?? '')?.[1];
  if (target === undefined) return undefined;
  if (!URL.canParse(target, BASE)) throw new RegistryError(`${what}: the Link header's next page "${target}" is not a URL`);
  return new URL(target, BASE).search || undefined;
}
