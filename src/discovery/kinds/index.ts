import type { FileKind } from '../file-kind.js';
import { actionKind } from './action.js';
import { bakeKind } from './bake.js';
import { azurePipelinesKind } from './azure-pipelines.js';
import { bitbucketKind } from './bitbucket.js';
import { circleciKind } from './circleci.js';
import { cloudBuildKind } from './cloud-build.js';
import { composeKind } from './compose.js';
import { devcontainerKind } from './devcontainer.js';
import { dockerfileKind } from './dockerfile.js';
import { droneKind } from './drone.js';
import { gitlabCiKind } from './gitlab-ci.js';
import { helmValuesKind } from './helm.js';
import { kubernetesKind } from './kubernetes.js';
import { kustomizeKind } from './kustomize.js';
import { quadletKind } from './quadlet.js';
import { woodpeckerKind } from './woodpecker.js';
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
  // CI systems whose path says what the file is.
  circleciKind,
  bitbucketKind,
  azurePipelinesKind,
  cloudBuildKind,
  droneKind,
  woodpeckerKind,
  // Other tools whose path says what the file is.
  quadletKind,
  bakeKind,
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
