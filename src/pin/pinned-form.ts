import { parseReference } from '../name/reference.js';

/**
 * A reference as written, pinned to `digest` in the `name:tag@digest` form Renovate and
 * Dependabot keep updating: `nginx:1.25` -> `nginx:1.25@sha256:…`; an untagged `nginx`
 * gets the `latest` it implies; a digest already there is replaced.
 */
export function pinnedForm(text: string, digest: string): string {
  const reference = parseReference(text);
  const at = text.indexOf('@');
  const name = at === -1 ? text : text.slice(0, at);
  const implicitLatest = reference.writtenTag === undefined && reference.digest === undefined;
  return `${name}${implicitLatest ? ':latest' : ''}@${digest}`;
}
