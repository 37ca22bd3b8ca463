import type { Reference } from '../name/reference.js';
import { RegistryError } from '../errors.js';
import type { RegistryClient } from './registry-client.js';

/** Enough pages for any real repository (Docker Hub's largest have some tens of thousands of tags). */
const MAX_PAGES = 1000;

/**
 * Every tag of a repository, following the registry's `Link` pagination. Without
 * `pageSize` the registry's own page size applies; with it, `?n=` asks for pages of that size.
 */
export async function listTags(client: RegistryClient, repo: Reference, pageSize?: number): Promise<string[]> {
  const tags: string[] = [];
  let query: string | undefined = pageSize ? `?n=${pageSize}` : '';
  const seen = new Set<string>();
  for (let page = 0; query !== undefined; page++) {
    // A registry whose Link leads back to a page already read would keep this loop going for ever.
    if (page >= MAX_PAGES || seen.has(query)) throw new RegistryError(`tag list of ${repo.name} does not end`);
    seen.add(query);
    const { tags: pageTags, next } = await client.getTagsPage(repo, query);
    tags.push(...pageTags);
    query = next;
  }
  return tags;
}
