/** The kinds of file image references are found in. */
export type SourceKind = 'dockerfile' | 'compose' | 'workflow' | 'kubernetes';

/**
 * Where a reference's literal text stands in its file: 1-based line, 1-based column
 * (in UTF-16 code units of the line as stored, a leading byte-order mark included) and
 * length. The span always holds exactly the occurrence's `text`.
 */
export interface TextSpan {
  line: number;
  column: number;
  length: number;
}

/** One use of an image reference in a file. */
export interface ImageOccurrence {
  /** Repository-relative path with '/' separators. */
  file: string;
  /** 1-based line where the image is used: the annotation target. */
  line: number;
  /** The reference after expansion (ARG, `${VAR:-default}`), as written otherwise. */
  text: string;
  kind: SourceKind;
  /** The Dockerfile `FROM --platform` value, when it expands without build-time arguments. */
  platform?: string;
  /**
   * Where the literal reference text stands (possibly an ARG default or a compose
   * `${VAR:-default}` on another line), when it can be rewritten safely; absent otherwise.
   */
  edit?: TextSpan;
}

/** Something found that could not be turned into a reference (never a crash). */
export interface DiscoveryProblem {
  file: string;
  /** 1-based line; 1 when the problem concerns the whole file. */
  line: number;
  message: string;
  /**
   * The text was a reference but not a valid one: bad input (exit 2), unlike a
   * reference that cannot be expanded, which is only reported.
   */
  invalid?: boolean;
}

export interface DiscoveryResult {
  occurrences: ImageOccurrence[];
  problems: DiscoveryProblem[];
}
