import { messageOf } from '../errors.js';
import { newerTags, parseVersionTag } from '../name/version-tag.js';
import type { RegistryClient } from '../remote/registry-client.js';
import { listTags } from '../remote/tags.js';
import { mapLimit } from '../util/map-limit.js';
import type { FollowedTag } from './update-targets.js';

/** Newer tags of the same version shape as a followed one: reported, never rewritten. */
export interface NewerVersions {
  /** The tag followed, `name:tag`. */
  reference: string;
  newer: string[];
}

export interface NewerCheck {
  newer: NewerVersions[];
  /** Repositories whose tags could not be listed: a note each, not a failure. */
  notes: string[];
}

/** One tag listing per repository, for the followed tags shaped like versions. */
export async function findNewerVersions(
  client: RegistryClient,
  followed: readonly FollowedTag[],
  concurrency: number
): Promise<NewerCheck> {
  const versioned = followed.filter(({ tag }) => parseVersionTag(tag.tag!) !== undefined);
  const repositories = [...new Map(versioned.map(({ tag }) => [tag.name, tag])).values()];
  const notes: string[] = [];
  const listed = new Map<string, string[]>();
  await mapLimit(repositories, concurrency, async (repo) => {
    try {
      listed.set(repo.name, await listTags(client, repo));
    } catch (error) {
      notes.push(`the tags of ${repo.name} could not be listed, so newer versions are not known: ${messageOf(error)}`);
    }
  });
  const newer = versioned
    .map(({ tag }) => ({ reference: tag.toString(), newer: newerTags(tag.tag!, listed.get(tag.name) ?? []) }))
    .filter((found) => found.newer.length > 0);
  return { newer, notes: notes.sort() };
}
