import { discover } from '../discovery/discover.js';
import type { DiscoveryProblem, DiscoveryResult, ImageOccurrence } from '../discovery/types.js';
import { InputError, messageOf } from '../errors.js';
import { parseReference, type Reference } from '../name/reference.js';
import type { CommandOptions } from './options.js';

/** One normalised reference and every place it is used. */
export interface Usage {
  reference: Reference;
  /** Where it was found in files. */
  occurrences: ImageOccurrence[];
  /** The reference as given with `--image` / `images`, when it was. */
  inputs: string[];
}

export interface Collected {
  /** Keyed by the normalised reference, in sorted order. */
  usages: Map<string, Usage>;
  /**
   * What discovery could not turn into references: ones that cannot be expanded (reported)
   * and `invalid` ones (an error finding each, see `invalidFindings`); the run goes on.
   */
  problems: DiscoveryProblem[];
}

/**
 * Gathers the references a command works on: the scanned files (SPEC's default globs
 * unless files or images were named) and the given images. A reference found in a file
 * that does not parse is a problem on its line; only a given image that does not parse
 * is bad input: all of those are reported together, then the run stops (exit 2).
 */
export async function collectReferences(options: Pick<CommandOptions, 'cwd' | 'files' | 'exclude' | 'images'>): Promise<Collected> {
  const found = await scanFiles(options);
  const usages = new Map<string, Usage>();
  const usageOf = (reference: Reference): Usage => {
    const key = reference.toString();
    const usage = usages.get(key) ?? { reference, occurrences: [], inputs: [] };
    usages.set(key, usage);
    return usage;
  };
  // Discovery has parsed every occurrence already; invalid ones come back as problems.
  const invalid: string[] = [];
  for (const occurrence of found?.occurrences ?? []) usageOf(parseReference(occurrence.text)).occurrences.push(occurrence);
  for (const image of options.images) {
    try {
      usageOf(parseReference(image)).inputs.push(image);
    } catch (error) {
      invalid.push(messageOf(error));
    }
  }
  if (invalid.length > 0) throw new InputError(invalid.join('\n'));
  const sorted = new Map([...usages.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { usages: sorted, problems: found?.problems ?? [] };
}

/** The scan a command makes: the named files, else SPEC's default globs unless only images were given. */
export function scanFiles(options: Pick<CommandOptions, 'cwd' | 'files' | 'exclude' | 'images'>): Promise<DiscoveryResult> | undefined {
  if (options.files.length === 0 && options.images.length > 0) return undefined;
  return discover({
    cwd: options.cwd,
    files: options.files.length ? options.files : undefined,
    exclude: options.exclude,
    // Compose interpolation reads the environment first, as `docker compose` does.
    env: process.env
  });
}

/** Repository-relative paths a reference was found in, sorted and unique. */
export function sourcesOf(usage: Usage): string[] {
  return [...new Set(usage.occurrences.map((occurrence) => occurrence.file))].sort();
}
