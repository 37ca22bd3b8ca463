import type { Reference } from '../name/reference.js';
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

interface Current {
  digest: string;
  mediaType: string;
}

/**
 * Compares each locked reference with what it points to now, at the `drift` level. A
 * digest-pinned reference needs no request: its digest is what counts, and the lockfile
 * must hold that one. A tag costs one manifest HEAD (HEADs do not count against Docker
 * Hub's pull limit), and a GET only when the registry states no digest; at level
 * `ignore`, no request at all.
 */
export async function checkDrift(client: RegistryClient, locked: LockedUsage[], options: CommandOptions, log: Log): Promise<DriftCheck> {
  const tagged = options.drift === 'ignore' ? [] : locked.filter(({ usage }) => !usage.reference.digest);
  if (tagged.length > 0) log.info(`checking ${tagged.length} tag${tagged.length === 1 ? '' : 's'} for drift`);
  await client.authorize(
    tagged.map(({ usage }) => usage.reference),
    options.concurrency
  );
  const now = await allOrFail(tagged, options.concurrency, ({ usage }) => currentOf(client, usage.reference));
  const currentByUsage = new Map(tagged.map(({ usage }, index) => [usage, now[index]]));
  const check: DriftCheck = { images: [], failures: [], warnings: [] };
  for (const { usage, entry } of locked) {
    const key = usage.reference.toString();
    const pinned = usage.reference.digest;
    const current = currentByUsage.get(usage) ?? { digest: pinned ?? entry.digest, mediaType: entry.mediaType };
    const moved = current.digest !== entry.digest;
    // What the new digest holds per platform is not known without a GET.
    const platforms = moved ? {} : entry.platforms;
    check.images.push({ reference: key, ...entry, ...current, platforms, previousDigest: entry.digest });
    if (!moved) continue;
    if (pinned) {
      check.failures.push(
        ...noticesAt(
          usage,
          `${key} is pinned to its digest, but the lockfile holds ${entry.digest} for it; run \`image-lock lock\` to update it`
        )
      );
    } else {
      const message = `${key} now points to ${current.digest}, not the locked ${entry.digest}; run \`image-lock lock\` to update the lockfile`;
      (options.drift === 'error' ? check.failures : check.warnings).push(...noticesAt(usage, message));
    }
  }
  return check;
}

/** What a tag points to now: the digest a HEAD states, else the one a GET finds. */
async function currentOf(client: RegistryClient, reference: Reference): Promise<Current> {
  const head = await client.headManifest(reference, reference.manifestReference);
  if (head) return { digest: head.digest, mediaType: head.mediaType };
  const manifest = await client.getManifest(reference, reference.manifestReference);
  return { digest: manifest.digest, mediaType: manifest.mediaType };
}
