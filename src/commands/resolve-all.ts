import { InputError, RegistryError, messageOf } from '../errors.js';
import type { RegistryClient } from '../remote/registry-client.js';
import { resolveImage, type ResolvedImage } from '../remote/resolve.js';
import type { Reference } from '../name/reference.js';
import { isIndex } from '../remote/media-types.js';
import { pinnedPlatform, tagIndex, tagTarget } from '../remote/platform-pin.js';
import { settleLimit } from '../util/map-limit.js';
import { tagOf } from './drift.js';
import type { Usage } from './collect.js';
import type { Log } from './log.js';
import type { CommandOptions } from './options.js';

/** Resolves all references with a bound; any failure fails the whole run, reported together. */
export async function resolveAll(client: RegistryClient, usages: Usage[], options: CommandOptions, log: Log): Promise<ResolvedImage[]> {
  log.info(`resolving ${usages.length} image reference${usages.length === 1 ? '' : 's'}`);
  await client.authorize(
    usages.map((usage) => usage.reference),
    options.concurrency
  );
  return allOrFail(usages, options.concurrency, async (usage) => {
    const image = await resolveImage(client, usage.reference, options.platforms);
    const platform = await platformOfPin(client, usage.reference, image);
    return platform === undefined ? image : { ...image, platform };
  });
}

/**
 * For `name:tag@digest` pinned to an image manifest: the platform of its tag's index
 * whose manifest it is, if any. One HEAD of the tag, and a GET of its index only when
 * the tag points to an index; a tag gone from the registry leaves it unknown.
 */
async function platformOfPin(client: RegistryClient, reference: Reference, image: ResolvedImage): Promise<string | undefined> {
  const tag = tagOf(reference);
  if (!tag || !reference.digest || !reference.writtenTag || isIndex(image.mediaType)) return undefined;
  const target = await tagTarget(client, tag);
  const index = target && target.digest !== image.digest ? await tagIndex(client, tag, target) : undefined;
  return index && pinnedPlatform(index.platforms, image.digest);
}

/**
 * Runs `fn` over every item with at most `concurrency` calls in flight. Every item
 * runs even when some fail, so that all failures are reported together, then the run stops.
 */
export async function allOrFail<T, R>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = await settleLimit(items, concurrency, fn);
  const failures = results.filter((result): result is Error => result instanceof Error);
  if (failures.length === 0) return results as R[];
  // A platform nobody offers is the user's input; anything else is the registry's.
  const ErrorType = failures.every((failure) => failure instanceof InputError) ? InputError : RegistryError;
  throw new ErrorType(failures.map(messageOf).join('\n'));
}
