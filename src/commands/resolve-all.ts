import { InputError, RegistryError, messageOf } from '../errors.js';
import type { RegistryClient } from '../remote/registry-client.js';
import { resolveImage, type ResolvedImage } from '../remote/resolve.js';
import { settleLimit } from '../util/map-limit.js';
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
  return allOrFail(usages, options.concurrency, (usage) => resolveImage(client, usage.reference, options.platforms));
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
