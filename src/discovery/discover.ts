import { readFile } from 'node:fs/promises';
import { isAbsolute, join, posix, relative, sep } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { InputError, messageOf } from '../errors.js';
import { mapLimit } from '../util/map-limit.js';
import { SourceFile, type FileKind, type FileScan } from './file-kind.js';
import { DEFAULT_PATTERNS, FILE_KINDS, NEVER_SCANNED } from './kinds/index.js';
import { RepositoryFiles } from './repository.js';
import type { DiscoveryProblem, DiscoveryResult, ImageOccurrence } from './types.js';

export interface DiscoverOptions {
  /** The repository root: patterns and reported paths are relative to it. */
  cwd: string;
  /** Globs or paths to scan instead of SPEC's default globs. */
  files?: readonly string[];
  /** Globs of paths never to scan, on top of SPEC's never-scanned ones. */
  exclude?: readonly string[];
  /** Variables for compose interpolation (they win over `.env`); unset variables take their defaults. */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Finds image references in the repository. With `files`, each path or glob is scanned
 * (a file under another name is recognised by its content); a plain path that matches
 * no file is bad input. Files a file includes (compose `include:` and `extends:`, GitLab CI
 * `include:`) are scanned too, as the same kind.
 * Results are sorted, so the same tree gives the same answer.
 */
export async function discover(options: DiscoverOptions): Promise<DiscoveryResult> {
  const repository = new RepositoryFiles(options.cwd, options.env ?? {});
  const named = options.files !== undefined && options.files.length > 0;
  const exclude = options.exclude ?? [];
  const patterns = named ? options.files!.map((pattern) => toPattern(options.cwd, pattern)) : DEFAULT_PATTERNS;
  const dynamic = patterns.filter((pattern) => isDynamicPattern(pattern));
  const plain = patterns.filter((pattern) => !isDynamicPattern(pattern));
  const found = [...(await find(options.cwd, dynamic, [...NEVER_SCANNED, ...exclude])), ...(await find(options.cwd, plain, exclude))];
  if (named) await checkPathsExist(options.cwd, plain, dynamic, found, exclude.length > 0 ? await find(options.cwd, plain, []) : found);

  const result: DiscoveryResult = { occurrences: [], problems: [] };
  let wave: Queued[] = (await linkFreeFirst(repository, [...new Set(found)].sort(compareText))).map((path) => ({ path }));
  const queued = new Set(found);
  // A file reached by several paths (symbolic links) is scanned once, under the first in order.
  const scannedFiles = new Set<string>();
  // In waves: which files to scan is decided in order, then they are read and scanned side
  // by side (file I/O one at a time left a large tree's scan mostly waiting); the files
  // they name to follow make the next wave.
  while (wave.length > 0) {
    const chosen: Queued[] = [];
    for (const next of wave) {
      const real = await repository.realPath(next.path);
      if (real === undefined) {
        const outside = await repository.outsideTarget(next.path);
        if (outside) result.problems.push({ file: next.path, line: 1, message: `not scanned: it is ${outside}, outside the repository` });
        continue;
      }
      if (scannedFiles.has(real) || (await inHelmTemplates(next.path, repository))) continue;
      scannedFiles.add(real);
      chosen.push(next);
    }
    const scans = await mapLimit(chosen, SCAN_CONCURRENCY, (next) => scanFile(options.cwd, next.path, next.kind, named, repository));
    const follows: Queued[] = [];
    for (const scanned of scans) {
      result.occurrences.push(...scanned.occurrences);
      result.problems.push(...scanned.problems);
      for (const path of scanned.follow ?? []) {
        if (queued.has(path)) continue;
        queued.add(path);
        const allowed = (await find(options.cwd, [path], [...NEVER_SCANNED, ...exclude])).length > 0;
        if (allowed) follows.push({ path, kind: scanned.kind });
      }
    }
    wave = follows;
  }
  result.occurrences.sort(compareOccurrences);
  result.problems.sort(compareProblems);
  return result;
}

/** A file waiting to be scanned, with the kind it is read as when a file that names it said. */
interface Queued {
  path: string;
  kind?: FileKind;
}

/** Files read and scanned at once: enough to keep the file system busy, few enough for any open-file limit. */
const SCAN_CONCURRENCY = 32;

/**
 * Repository-relative paths matching `patterns`, through symbolic links (loops are walked
 * once); what lies outside the repository by its real path is left out when scanned.
 */
async function find(cwd: string, patterns: readonly string[], ignore: readonly string[]): Promise<string[]> {
  if (patterns.length === 0) return [];
  const files = await glob([...patterns], { cwd, dot: true, ignore: [...ignore], expandDirectories: false });
  return files.map((path) => path.split(sep).join('/'));
}

/** What scanning a file found, and as what kind it was read (what it says to follow is read as the same). */
type ScannedFile = FileScan & { kind?: FileKind };

async function scanFile(
  cwd: string,
  path: string,
  given: FileKind | undefined,
  named: boolean,
  repository: RepositoryFiles
): Promise<ScannedFile> {
  let kind = given;
  for (const candidate of kind ? [] : FILE_KINDS) {
    if (await candidate.matchesPath(path, repository)) {
      kind = candidate;
      break;
    }
  }
  // A file the default globs found but no kind claims (values.yaml outside a chart) is not read.
  if (!kind && !named) return { occurrences: [], problems: [] };
  let content: string;
  try {
    content = await readFile(join(cwd, path), 'utf8');
  } catch (error) {
    return { occurrences: [], problems: [{ file: path, line: 1, message: `cannot read the file: ${messageOf(error)}` }] };
  }
  const file = new SourceFile(path, content);
  kind ??= FILE_KINDS.find((candidate) => candidate.matchesContent?.(file));
  if (kind) return { ...(await kind.scan(file, repository)), kind };
  return { occurrences: [], problems: unrecognised(file) };
}

/** A chart's `templates/` hold Go templates, not YAML: never scanned. */
async function inHelmTemplates(path: string, repository: RepositoryFiles): Promise<boolean> {
  const parts = path.split('/');
  for (let i = parts.indexOf('templates'); i !== -1; i = parts.indexOf('templates', i + 1)) {
    if (await repository.hasFile([...parts.slice(0, i), 'Chart.yaml'].join('/'))) return true;
  }
  return false;
}

/** Why a named file was not scanned: its YAML errors if it has some, else that its kind is unknown. */
function unrecognised(file: SourceFile): DiscoveryProblem[] {
  const yamlProblems = file.isYaml ? file.yaml.problems : [];
  if (yamlProblems.length > 0) return yamlProblems.map((problem) => ({ file: file.path, ...problem }));
  return [{ file: file.path, line: 1, message: `not a file image-lock reads (${FILE_KINDS.map((kind) => kind.name).join(', ')})` }];
}

/** Patterns are relative to cwd; an absolute path is made relative so results are too. */
function toPattern(cwd: string, pattern: string): string {
  return isAbsolute(pattern) ? relative(cwd, pattern).split(sep).join('/') : pattern;
}

/**
 * A plain path naming no file is bad input (one only excluded is not), and so is a glob
 * that matches nothing: else the lockfile would silently lose its entries.
 */
async function checkPathsExist(cwd: string, plain: readonly string[], dynamic: readonly string[], found: string[], existing: string[]) {
  const present = new Set([...found, ...existing]);
  const missing = plain.filter((pattern) => !present.has(posix.normalize(pattern)));
  if (missing.length > 0) throw new InputError(`no such file: ${missing.join(', ')}`);
  const matches = await Promise.all(dynamic.map((pattern) => find(cwd, [pattern], NEVER_SCANNED)));
  const empty = dynamic.filter((_, index) => matches[index].length === 0);
  if (empty.length > 0) throw new InputError(`no file matches ${empty.join(', ')}`);
}

/** Paths without a symbolic link in them first: of several paths to one file, the one scanned is its own name. */
async function linkFreeFirst(repository: RepositoryFiles, paths: string[]): Promise<string[]> {
  const answers = await mapLimit(paths, SCAN_CONCURRENCY, (path) => repository.isLinkFree(path));
  const linkFree = new Set(paths.filter((_, index) => answers[index]));
  return [...paths.filter((path) => linkFree.has(path)), ...paths.filter((path) => !linkFree.has(path))];
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
