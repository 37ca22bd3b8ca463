/** What a reference was found as: SPEC's `kind` in `list --json`, one per way a file names an image. */
export type ReferenceKind =
  | 'dockerfile-from'
  | 'dockerfile-syntax'
  | 'dockerfile-copy-from'
  | 'dockerfile-mount-from'
  | 'compose-image'
  | 'compose-additional-context'
  | 'workflow-container'
  | 'workflow-service'
  | 'workflow-step'
  | 'action-image'
  | 'action-step'
  | 'k8s-container'
  | 'k8s-image-volume'
  | 'k8s-custom-resource'
  | 'helm-values'
  | 'kustomize-image'
  | 'devcontainer-image'
  | 'gitlab-image'
  | 'gitlab-service'
  | 'circleci-image'
  | 'bitbucket-image'
  | 'bitbucket-service'
  | 'bitbucket-pipe'
  | 'azure-container'
  | 'azure-service'
  | 'cloudbuild-step'
  | 'drone-step'
  | 'drone-service'
  | 'woodpecker-step'
  | 'woodpecker-service'
  | 'woodpecker-clone'
  | 'argocd-kustomize-image'
  | 'tekton-bundle'
  | 'quadlet-image'
  | 'bake-context'
  | 'bake-arg';

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

/**
 * Where the digest of a reference assembled from a map (kustomize, Helm values) is
 * written: `from` is what the span holds now (the old digest, or nothing where a
 * `digest:` key is to be inserted); pinning writes `prefix + digest` in its place.
 */
export interface DigestSlot {
  span: TextSpan;
  from: string;
  prefix: string;
}

/** One use of an image reference in a file. */
export interface ImageOccurrence {
  /** Repository-relative path with '/' separators. */
  file: string;
  /** 1-based line where the image is used: the annotation target. */
  line: number;
  /** The reference after expansion (ARG, `${VAR:-default}`), as written otherwise. */
  text: string;
  kind: ReferenceKind;
  /** The Dockerfile `FROM --platform` value, when it expands without build-time arguments. */
  platform?: string;
  /**
   * Where the literal reference text stands (possibly an ARG default or a compose
   * `${VAR:-default}` on another line), when it can be rewritten safely; absent otherwise.
   */
  edit?: TextSpan;
  /** For a reference assembled from a map: where its digest goes when pinned. */
  digestSlot?: DigestSlot;
  /** Why it cannot be pinned, when that is known from the file itself. */
  unpinnable?: string;
}

/** Something found that could not be turned into a reference (never a crash). */
export interface DiscoveryProblem {
  file: string;
  /** 1-based line; 1 when the problem concerns the whole file. */
  line: number;
  message: string;
  /**
   * The text was a reference but not a valid one: an `invalid` finding at level error
   * (exit 1), unlike a reference that cannot be expanded, which is only reported.
   */
  invalid?: boolean;
  /** For an invalid one, the text found where a reference was expected, and what it was found as. */
  text?: string;
  kind?: ReferenceKind;
}

export interface DiscoveryResult {
  occurrences: ImageOccurrence[];
  problems: DiscoveryProblem[];
}
