import type { FileKind } from '../file-kind.js';
import { actionKind } from './action.js';
import { composeKind } from './compose.js';
import { devcontainerKind } from './devcontainer.js';
import { dockerfileKind } from './dockerfile.js';
import { gitlabCiKind } from './gitlab-ci.js';
import { helmValuesKind } from './helm.js';
import { kubernetesKind } from './kubernetes.js';
import { kustomizeKind } from './kustomize.js';
import { workflowKind } from './workflow.js';

/**
 * Every kind of file references are found in, in the order they are tried: by path
 * first, then (for a named file no path placed) by content. A new kind is one module
 * and one line here.
 */
export const FILE_KINDS: readonly FileKind[] = [
  dockerfileKind,
  composeKind,
  workflowKind,
  actionKind,
  devcontainerKind,
  helmValuesKind,
  kustomizeKind,
  gitlabCiKind,
  kubernetesKind
];

/** SPEC's default globs: every kind's own. */
export const DEFAULT_PATTERNS: readonly string[] = FILE_KINDS.flatMap((kind) => kind.patterns);

/** SPEC's never-scanned paths: dependencies, git's own files, templates and documentation. */
export const NEVER_SCANNED: readonly string[] = [
  '**/node_modules/**',
  '**/vendor/**',
  '**/.git/**',
  '**/*.{j2,jinja,tmpl,tpl,gotmpl,erb,mustache,hbs,md,txt,rst,adoc,html}'
];
