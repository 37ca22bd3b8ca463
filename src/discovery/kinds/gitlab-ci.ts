import { posix } from 'node:path';
import type { Document } from 'yaml';
import { Collector } from '../collector.js';
import { expand, type Lookup } from '../expand.js';
import type { FileKind } from '../file-kind.js';
import type { ReferenceKind } from '../types.js';
import type { YamlSource } from '../yaml-source.js';

/** Top-level keys of `.gitlab-ci.yml` that are not jobs. */
const GLOBAL_KEYWORDS = new Set([
  'default',
  'include',
  'stages',
  'variables',
  'workflow',
  'image',
  'services',
  'cache',
  'before_script',
  'after_script',
  'spec'
]);

/**
 * GitLab's dependency proxy for Docker Hub images: `${CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX}/`,
 * its `DIRECT_` form, and `${CI_DEPENDENCY_PROXY_SERVER}/<group>/dependency_proxy/containers/`.
 */
const DEPENDENCY_PROXY =
  /^\$(?:\{CI_DEPENDENCY_PROXY_(?:DIRECT_)?GROUP_IMAGE_PREFIX\}|CI_DEPENDENCY_PROXY_(?:DIRECT_)?GROUP_IMAGE_PREFIX(?![A-Za-z0-9_]))\/|^\$(?:\{CI_DEPENDENCY_PROXY_SERVER\}|CI_DEPENDENCY_PROXY_SERVER(?![A-Za-z0-9_]))\/(?:[^/\s]+\/)+?dependency_proxy\/containers\//;

/**
 * GitLab CI: `image` and `services` (each a string or a map with `name`) at the top level,
 * under `default:` and in every job, `$VAR` expanded from the `variables:` of the file and
 * the job. What needs GitLab's predefined variables is reported, not guessed, but for the
 * dependency proxy's prefixes, which stand for Docker Hub (`DEPENDENCY_PROXY`). Local
 * `include:` files are read as GitLab CI configuration too.
 */
export const gitlabCiKind: FileKind = {
  name: 'GitLab CI configuration',
  patterns: ['.gitlab-ci.yml'],
  matchesPath: (path) => path === '.gitlab-ci.yml',
  scan: (file) => {
    const collector = Collector.ofYaml(file);
    const { yaml } = file;
    for (const document of yaml.documents) {
      const root = document.contents;
      const globals = variablesOf(yaml, document, root, () => undefined);
      const add = (kind: ReferenceKind, node: unknown, lookup: Lookup) => {
        const text = yaml.string(document, node) ?? yaml.string(document, yaml.get(document, node, 'name'));
        if (!text || text.value === '') return;
        // Through GitLab's dependency proxy, the image is Docker Hub's: the prefix stays as written.
        const proxied = DEPENDENCY_PROXY.exec(text.value)?.[0].length ?? 0;
        const expansion = expand(text.value.slice(proxied), lookup, { kind: 'compose' });
        if (!expansion.ok) {
          collector.problem(text.line, `cannot expand "${text.value}": ${expansion.error}`);
          return;
        }
        const source = expansion.source?.kind === 'literal' ? expansion.source : undefined;
        const edit = source && yaml.span(text, proxied + source.start, source.end - source.start);
        collector.image(kind, expansion.value, text.line, { edit });
      };
      const scanJob = (job: unknown, lookup: Lookup) => {
        add('gitlab-image', yaml.get(document, job, 'image'), lookup);
        for (const service of yaml.items(document, yaml.get(document, job, 'services'))) add('gitlab-service', service, lookup);
      };
      scanJob(root, globals);
      scanJob(yaml.get(document, root, 'default'), globals);
      for (const [name, job] of yaml.entries(document, root)) {
        if (GLOBAL_KEYWORDS.has(name)) continue;
        scanJob(job, variablesOf(yaml, document, job, globals));
      }
    }
    return { ...collector.done(), follow: yaml.documents.flatMap((document) => localIncludes(yaml, document)) };
  }
};

/**
 * The files `include:` names in this repository (a string, or `local:`), from the
 * repository root as GitLab reads them; remote, project, template and wildcard ones are not followed.
 */
function localIncludes(yaml: YamlSource, document: Document): string[] {
  const include = yaml.get(document, document.contents, 'include');
  const entries = yaml.items(document, include);
  return (entries.length > 0 ? entries : [include]).flatMap((entry) => {
    const path = yaml.string(document, entry)?.value ?? yaml.string(document, yaml.get(document, entry, 'local'))?.value;
    if (!path || /^[a-z]+:\/\//i.test(path) || path.includes('*') || path.includes('$')) return [];
    const normalised = posix.normalize(path.replace(/^\/+/, ''));
    return normalised.startsWith('..') ? [] : [normalised];
  });
}

/** A `variables:` map as a lookup (a variable's `value:` form included), falling back to `outer`. */
function variablesOf(yaml: YamlSource, document: Document, node: unknown, outer: Lookup): Lookup {
  const own = new Map<string, string>();
  for (const [name, value] of yaml.entries(document, yaml.get(document, node, 'variables'))) {
    const text = yaml.scalarText(document, value) ?? yaml.scalarText(document, yaml.get(document, value, 'value'));
    if (text) own.set(name, text.value);
  }
  return (name) => own.get(name) ?? outer(name);
}
