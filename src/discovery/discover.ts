import { readFile } from 'node:fs/promises';
import { isAbsolute, join, posix, relative, sep } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { InputError, messageOf } from '../errors.js';
import { parseCompose } from './compose.js';
import { parseDockerfile } from './dockerfile.js';
import { DEFAULT_PATTERNS, kindFromContent, kindFromPath } from './file-kind.js';
import { parseKubernetes } from './kubernetes.js';
import type { DiscoveryProblem, DiscoveryResult, ImageOccurrence, SourceKind } from './types.js';
import { parseWorkflow } from './workflow.js';
import { YamlSource } from './yaml-source.js';

export interface DiscoverOptions {
  /** The repository root: patterns and reported paths are relative to it. */
  cwd: string;
  /** Globs or paths to scan instead of SPEC's default globs. */
  files?: readonly string[];
  /** Variables for compose interpolation; unset variables take their defaults. */
  env?: Readonly<Record<string, string>>;
}

const IGNORED = ['**/node_modules/**', '**/.git/**'];
const GLOB_OPTIONS = (cwd: string) => ({ cwd, dot: true, ignore: IGNORED, expandDirectories: false });

/**
 * Finds image references in the repository. With `files`, each path or glob is scanned
 * (a YAML file under another name is recognised by its content); a plain path that
 * matches no file is bad input. Results are sorted, so the same tree gives the same
 * answer.
 */
export async function discover(options: DiscoverOptions): Promise<DiscoveryResult> {
  const named = options.files !== undefined && options.files.length > 0;
  const patterns = named ? options.files!.map((pattern) => toPattern(options.cwd, pattern)) : DEFAULT_PATTERNS;
  const files = await glob([...patterns], GLOB_OPTIONS(options.cwd));
  if (named) await checkPathsExist(options.cwd, patterns, files);

  const result: DiscoveryResult = { occurrences: [], problems: [] };
  for (const file of [...new Set(files.map((path) => path.split(sep).join('/')))].sort(compareText)) {
    const found = await scanFile(options, file, named);
    result.occurrences.push(...found.occurrences);
    result.problems.push(...found.problems);
  }
  result.occurrences.sort(compareOccurrences);
  result.problems.sort(compareProblems);
  return result;
}

async function scanFile(options: DiscoverOptions, file: string, named: boolean): Promise<DiscoveryResult> {
  let content: string;
  try {
    content = await readFile(join(options.cwd, file), 'utf8');
  } catch (error) {
    return { occurrences: [], problems: [{ file, line: 1, message: `cannot read the file: ${messageOf(error)}` }] };
  }
  const kind: SourceKind | undefined = kindFromPath(file) ?? (named && /\.ya?ml$/i.test(file) ? kindFromContent(content) : undefined);
  switch (kind) {
    case 'dockerfile':
      return parseDockerfile(file, content);
    case 'compose':
      return parseCompose(file, content, options.env);
    case 'workflow':
      return parseWorkflow(file, content);
    case 'kubernetes':
      return parseKubernetes(file, content);
    case undefined:
      return { occurrences: [], problems: named ? unrecognised(file, content) : [] };
  }
}

/** Why a named file was not scanned: its YAML errors if it has some, else that its kind is unknown. */
function unrecognised(file: string, content: string): DiscoveryProblem[] {
  const yamlProblems = /\.ya?ml$/i.test(file) ? new YamlSource(content).problems : [];
  if (yamlProblems.length > 0) return yamlProblems.map((problem) => ({ file, ...problem }));
  return [{ file, line: 1, message: 'not a Dockerfile, compose file, workflow or Kubernetes manifest' }];
}

/** Patterns are relative to cwd; an absolute path is made relative so results are too. */
function toPattern(cwd: string, pattern: string): string {
  return isAbsolute(pattern) ? relative(cwd, pattern).split(sep).join('/') : pattern;
}

/** A named path that is not there, or a glob that matches nothing, is bad input: else the lockfile would silently lose its entries. */
async function checkPathsExist(cwd: string, patterns: readonly string[], files: string[]): Promise<void> {
  const found = new Set(files.map((file) => file.split(sep).join('/')));
  const missing = patterns.filter((pattern) => !isDynamicPattern(pattern) && !found.has(posix.normalize(pattern)));
  if (missing.length > 0) throw new InputError(`no such file: ${missing.join(', ')}`);
  const globs = patterns.filter((pattern) => isDynamicPattern(pattern));
  const matches = globs.length > 1 ? await Promise.all(globs.map((pattern) => glob([pattern], GLOB_OPTIONS(cwd)))) : [files];
  const empty = globs.filter((_, index) => matches[index].length === 0);
  if (empty.length > 0) throw new InputError(`no file matches ${empty.join(', ')}`);
}

/** Code-point order, not locale order, so every machine sorts the same way. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareOccurrences(a: ImageOccurrence, b: ImageOccurrence): number {
  // The sort is stable: on one line, the order the file's parser found them in stays.
  return compareText(a.file, b.file) || a.line - b.line;
}

function compareProblems(a: DiscoveryProblem, b: DiscoveryProblem): number {
  return compareText(a.file, b.file) || a.line - b.line || compareText(a.message, b.message);
}
