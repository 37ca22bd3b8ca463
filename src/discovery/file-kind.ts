import type { DiscoveryResult } from './types.js';
import { YamlSource } from './yaml-source.js';

/** A file being scanned: its text, and its YAML parsed once however many kinds look at it. */
export class SourceFile {
  private parsed: YamlSource | undefined;

  constructor(
    /** Repository-relative path with '/' separators. */
    readonly path: string,
    readonly content: string
  ) {}

  get yaml(): YamlSource {
    return (this.parsed ??= new YamlSource(this.content));
  }

  get isYaml(): boolean {
    return /\.ya?ml$/i.test(this.path);
  }
}

/** What a kind may ask of the repository around a file. */
export interface Repository {
  /** A repository-relative file's text, or undefined when it cannot be read. */
  readText(path: string): Promise<string | undefined>;
  hasFile(path: string): Promise<boolean>;
  /** Variables of the environment (compose interpolation: they win over `.env`). */
  env: Readonly<Record<string, string | undefined>>;
}

/** What scanning one file gives: its references and problems, and other files it says to scan as the same kind. */
export interface FileScan extends DiscoveryResult {
  follow?: string[];
}

/**
 * One kind of file references are found in: its default globs, how a file is recognised
 * (by path, else by content when named explicitly), and how its references are found.
 * Every kind is one module; `kinds/index.ts` lists them in the order they are tried.
 */
export interface FileKind {
  /** Named in messages about files of no known kind. */
  readonly name: string;
  /** SPEC's default globs for this kind; empty when it is scanned only when named. */
  readonly patterns: readonly string[];
  /** The path says the file is of this kind (`repository` for what lies beside it, such as a Chart.yaml). */
  matchesPath(path: string, repository: Repository): boolean | Promise<boolean>;
  /** For a named file its path does not place: its content is of this kind. */
  matchesContent?(file: SourceFile): boolean;
  scan(file: SourceFile, repository: Repository): FileScan | Promise<FileScan>;
}

/** The last path segment. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The folder part of a repository-relative path, '' at the root. */
export function dirName(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash);
}
