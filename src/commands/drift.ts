import { Reference } from '../name/reference.js';
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

export interface Current {
  digest: string;
  mediaType: string;
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
  const now = await allOrFail(tags, options.concurrency, (tag) => currentOf(client, tag));
  const currentByTag = new Map(tags.map((tag, index) => [tag.toString(), now[index]]));
  const check: DriftCheck = { images: [], failures: [], warnings: [] };
  const drifted = (notices: Notice[]) => (options.drift === 'error' ? check.failures : check.warnings).push(...notices);
  for (const { usage, entry } of locked) {
    const key = usage.reference.toString();
    const pinned = usage.reference.digest;
    const tagNow = currentByTag.get(tagOf(usage.reference)?.toString() ?? '');
    const current = pinned
      ? { digest: pinned, mediaType: entry.mediaType }
      : (tagNow ?? { digest: entry.digest, mediaType: entry.mediaType });
    const moved = current.digest !== entry.digest;
    // What the new digest holds per platform is not known without a GET.
    const platforms = moved ? {} : entry.platforms;
    check.images.push({ reference: key, ...entry, ...current, platforms, previousDigest: entry.digest });
    if (pinned && tagNow && tagNow.digest !== pinned) {
      drifted(
        noticesAt(
          usage,
          `${key}: tag moved since this pin: run image-lock update (${tagOf(usage.reference)} now points to ${tagNow.digest})`
        )
      );
    }
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

/** What a tag points to now: the digest a HEAD states, else the one a GET finds. */
export async function currentOf(client: RegistryClient, reference: Reference): Promise<Current> {
  const head = await client.headManifest(reference, reference.manifestReference);
  if (head) return { digest: head.digest, mediaType: head.mediaType };
  const manifest = await client.getManifest(reference, reference.manifestReference);
  return { digest: manifest.digest, mediaType: manifest.mediaType };
}
