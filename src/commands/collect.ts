import { realpath } from 'node:fs/promises';
import { join } from 'node:path';
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
  /** References that could not be expanded; reported, not fatal. */
  problems: DiscoveryProblem[];
}

/**
 * Gathers the references a command works on: the scanned files (SPEC's default globs
 * unless files or images were named) and the given images. An unparseable reference
 * is bad input: all of them are reported together, then the run stops (exit 2).
 */
export async function collectReferences(options: Pick<CommandOptions, 'cwd' | 'files' | 'images'>): Promise<Collected> {
  const scan = options.files.length > 0 || options.images.length === 0;
  const found = scan
    ? await withoutAliases(options.cwd, await discover({ cwd: options.cwd, files: options.files.length ? options.files : undefined }))
    : undefined;
  const usages = new Map<string, Usage>();
  const usageOf = (reference: Reference): Usage => {
    const key = reference.toString();
    const usage = usages.get(key) ?? { reference, occurrences: [], inputs: [] };
    usages.set(key, usage);
    return usage;
  };
  // Discovery has parsed every occurrence already; invalid ones come back as problems.
  const invalid = (found?.problems ?? []).filter((p) => p.invalid).map((p) => `${p.file}:${p.line}: ${p.message}`);
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
  return { usages: sorted, problems: (found?.problems ?? []).filter((p) => !p.invalid) };
}

/**
 * One file reached by two scanned paths (a symbolic link to it, or to a folder holding
 * it) is counted once: else pin would rewrite it twice. The path without a link in it is
 * kept when it was scanned, else the first.
 */
async function withoutAliases(cwd: string, found: DiscoveryResult): Promise<DiscoveryResult> {
  const files = [...new Set([...found.occurrences, ...found.problems].map((place) => place.file))].sort();
  const pathsOf = new Map<string, string[]>();
  for (const file of files) {
    const real = await realpath(join(cwd, file)).catch(() => join(cwd, file));
    pathsOf.set(real, [...(pathsOf.get(real) ?? []), file]);
  }
  const aliases = new Set<string>();
  for (const [real, paths] of pathsOf) {
    const kept = paths.find((path) => join(cwd, path) === real) ?? paths[0];
    for (const path of paths) if (path !== kept) aliases.add(path);
  }
  if (aliases.size === 0) return found;
  return {
    occurrences: found.occurrences.filter((occurrence) => !aliases.has(occurrence.file)),
    problems: found.problems.filter((problem) => !aliases.has(problem.file))
  };
}

/** Repository-relative paths a reference was found in, sorted and unique. */
export function sourcesOf(usage: Usage): string[] {
  return [...new Set(usage.occurrences.map((occurrence) => occurrence.file))].sort();
}
