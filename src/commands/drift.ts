import type { LockEntry } from '../lockfile/lockfile.js';
import { Reference } from '../name/reference.js';
import { isIndex } from '../remote/media-types.js';
import { pinnedPlatform, platformEntry, tagIndex, tagTarget, type TagIndex, type TagTarget } from '../remote/platform-pin.js';
import type { RegistryClient } from '../remote/registry-client.js';
import type { LockedUsage } from './coverage.js';
import type { Log } from './log.js';
import { noticesAt } from './notices.js';
import type { CommandOptions } from './options.js';
import type { ImageReport, Notice } from './report.js';
import { allOrFail } from './resolve-all.js';

export interface DriftCheck {
  /** Each locked image: `digest` what its tag points to now, `previousDigest` the locked one. */
  images: ImageReport[];
  failures: Notice[];
  warnings: Notice[];
}

/**
 * Compares each locked reference with what it points to now, at the `drift` level. A
 * tag costs one manifest HEAD (HEADs do not count against Docker Hub's pull limit), and
 * a GET only when the registry states no digest; a pinned `tag@digest` one HEAD for its
 * tag, to tell whether the tag moved since it was pinned; a digest alone no request, its
 * digest being what counts. At level `ignore`, no request at all.
 */
export async function checkDrift(client: RegistryClient, locked: LockedUsage[], options: CommandOptions, log: Log): Promise<DriftCheck> {
  const tags = options.drift === 'ignore' ? [] : uniqueTags(locked);
  if (tags.length > 0) log.info(`checking ${tags.length} tag${tags.length === 1 ? '' : 's'} for drift`);
  await client.authorize(tags, options.concurrency);
  const now = await allOrFail(tags, options.concurrency, (tag) => tagTarget(client, tag));
  const targetByTag = new Map(tags.map((tag, index) => [tag.toString(), now[index]]));
  const indexes = new Map<string, Promise<TagIndex | undefined>>();
  const pinMoves = await allOrFail(locked, options.concurrency, async ({ usage, entry }) => {
    const tag = tagOf(usage.reference);
    const target = targetByTag.get(tag?.toString() ?? '');
    if (!tag || !target || !usage.reference.digest || target.digest === usage.reference.digest) return undefined;
    const index = () => {
      const fetched = indexes.get(tag.toString()) ?? tagIndex(client, tag, target);
      indexes.set(tag.toString(), fetched);
      return fetched;
    };
    return pinMoved(tag, usage.reference.digest, entry, target, index);
  });
  const check: DriftCheck = { images: [], failures: [], warnings: [] };
  const drifted = (notices: Notice[]) => (options.drift === 'error' ? check.failures : check.warnings).push(...notices);
  for (const [at, { usage, entry }] of locked.entries()) {
    const key = usage.reference.toString();
    const pinned = usage.reference.digest;
    const tag = tagOf(usage.reference)?.toString() ?? '';
    const tagNow = targetByTag.get(tag);
    const current = pinned
      ? { digest: pinned, mediaType: entry.mediaType }
      : (tagNow ?? { digest: entry.digest, mediaType: entry.mediaType });
    const moved = current.digest !== entry.digest;
    // What the new digest holds per platform is not known without a GET.
    const platforms = moved ? {} : entry.platforms;
    check.images.push({ reference: key, ...entry, ...current, platforms, previousDigest: entry.digest });
    if (targetByTag.has(tag) && !tagNow) drifted(noticesAt(usage, tagGone(tag, pinned !== undefined)));
    const pinMove = pinMoves[at];
    if (pinMove) drifted(noticesAt(usage, `${key}: ${pinMove}`));
    if (!moved) continue;
    if (pinned) {
      check.failures.push(
        ...noticesAt(
          usage,
          `${key} is pinned to its digest, but the lockfile holds ${entry.digest} for it; run \`image-lock lock\` to update it`
        )
      );
    } else {
      drifted(
        noticesAt(
          usage,
          `${key} now points to ${current.digest}, not the locked ${entry.digest}; run \`image-lock lock\` to update the lockfile`
        )
      );
    }
  }
  return check;
}

/** The tag a reference follows, without its digest; none for a digest alone. */
export function tagOf(reference: Reference): Reference | undefined {
  if (!reference.tag) return undefined;
  return new Reference(reference.registry, reference.repository, reference.tag, undefined);
}

/** Each tag once, however many references (tag alone, or pinned to one digest or another) follow it. */
function uniqueTags(locked: LockedUsage[]): Reference[] {
  const tags = new Map<string, Reference>();
  for (const { usage } of locked) {
    const tag = tagOf(usage.reference);
    if (tag) tags.set(tag.toString(), tag);
  }
  return [...tags.values()];
}

/** A tag the registry no longer has (404): what still works and what does not. */
export function tagGone(tag: string, pinned: boolean): string {
  return pinned
    ? `tag ${tag} no longer exists; the pin still works while the digest does`
    : `tag ${tag} no longer exists; the lockfile's digest still works while the registry keeps it`;
}

/**
 * How a pinned `tag@digest` stands against its tag now, undefined when it has not moved.
 * A pin to one platform's manifest of the tag's index (`platform` recorded, or found
 * in the index) has moved only when that platform's manifest has: the index is fetched
 * (once per tag, by `index`) only for a pin that is not to an index.
 */
async function pinMoved(
  tag: Reference,
  pinned: string,
  entry: LockEntry,
  target: TagTarget,
  index: () => Promise<TagIndex | undefined>
): Promise<string | undefined> {
  const whole = `tag moved since this pin: run image-lock update (${tag} now points to ${target.digest})`;
  const platforms = isIndex(entry.mediaType) ? undefined : (await index())?.platforms;
  if (!platforms) return whole;
  const platform = entry.platform ?? pinnedPlatform(platforms, pinned) ?? Object.keys(entry.platforms)[0];
  const now = platform === undefined ? undefined : platformEntry(platforms, platform);
  if (!now)
    return `${platform} is no longer in ${tag}'s index (it now points to ${target.digest}); the pin still works while the digest does`;
  if (now[1] === pinned) return undefined;
  return `tag moved for ${now[0]} since this pin: run image-lock update (${tag} now points to ${now[1]} for ${now[0]})`;
}
