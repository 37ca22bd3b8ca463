import { manifestKind } from './kubernetes.js';
import type { SourceKind } from './types.js';
import { YamlSource } from './yaml-source.js';

/** SPEC's default globs: Dockerfiles, compose files and workflows (Kubernetes only when named). */
export const DEFAULT_PATTERNS: readonly string[] = [
  '**/Dockerfile',
  '**/Dockerfile.*',
  '**/*.Dockerfile',
  '**/*.dockerfile',
  '**/compose.y*ml',
  '**/compose.*.y*ml',
  '**/docker-compose*.y*ml',
  '.github/workflows/*.y*ml'
];

/** The kind a file's path says it is; undefined when only its content can tell. */
export function kindFromPath(path: string): SourceKind | undefined {
  const name = path.slice(path.lastIndexOf('/') + 1);
  // `Dockerfile.dockerignore` is the ignore file of a Dockerfile, not a Dockerfile.
  if (name.endsWith('.dockerignore')) return undefined;
  if (/^(Docker|Container)file(\..+)?$/i.test(name) || /\.(docker|container)file$/i.test(name)) return 'dockerfile';
  if (/^(compose(\..+)?|docker-compose.*)\.ya?ml$/i.test(name)) return 'compose';
  if (/(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/i.test(path)) return 'workflow';
  return undefined;
}

/**
 * The kind of a YAML file named explicitly under another name: Kubernetes when a
 * document has `apiVersion` and `kind`, compose when it has `services`, a workflow
 * when it has `jobs` and `on`.
 */
export function kindFromContent(content: string): SourceKind | undefined {
  const yaml = new YamlSource(content);
  const has = (document: (typeof yaml.documents)[number], key: string) => yaml.get(document, document.contents, key) !== undefined;
  if (yaml.documents.some((document) => manifestKind(yaml, document) !== undefined)) return 'kubernetes';
  if (yaml.documents.some((document) => has(document, 'services'))) return 'compose';
  if (yaml.documents.some((document) => has(document, 'jobs') && has(document, 'on'))) return 'workflow';
  return undefined;
}
