import { posix } from 'node:path';
import type { Document } from 'yaml';
import { Collector } from '../collector.js';
import { parseDotEnv } from '../dotenv.js';
import { expand, type Lookup } from '../expand.js';
import { baseName, dirName, type FileKind, type FileScan, type Repository, type SourceFile } from '../file-kind.js';
import type { ReferenceKind } from '../types.js';
import { shifted, type YamlSource, type YamlString } from '../yaml-source.js';

const IMAGE_CONTEXT = 'docker-image://';

/** Compose files, and (through `follow`) the files they `include:` or `extends:`. */
export const composeKind: FileKind = {
  name: 'compose file',
  patterns: ['**/compose.y*ml', '**/compose.*.y*ml', '**/docker-compose*.y*ml'],
  matchesPath: (path) => /^(compose(\..+)?|docker-compose.*)\.ya?ml$/i.test(baseName(path)),
  matchesContent: (file) => file.isYaml && file.yaml.documents.some((document) => file.yaml.get(document, document.contents, 'services')),
  scan: async (file, repository) => scanCompose(file, await projectEnv(file.path, repository))
};

/**
 * The variables interpolation sees, in Compose's precedence: the environment, then the
 * `.env` file of the project directory (the compose file's folder); unset ones take their defaults.
 */
async function projectEnv(path: string, repository: Repository): Promise<Lookup> {
  const dir = dirName(path);
  const { env } = repository;
  const environment: Lookup = (name) => (Object.hasOwn(env, name) ? env[name] : undefined);
  const dotEnv = parseDotEnv((await repository.readText(dir ? `${dir}/.env` : '.env')) ?? '', environment);
  return (name) => environment(name) ?? dotEnv.get(name);
}

/**
 * `services.*.image` (a service with `build` is skipped: its `image` names what the build
 * produces) and `build.additional_contexts` of the form `docker-image://<ref>`,
 * interpolated the way Compose does it: `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `$$` for a literal `$`.
 */
export function scanCompose(file: SourceFile, lookup: Lookup = () => undefined): FileScan {
  const collector = Collector.ofYaml(file);
  const { yaml } = file;
  const follow: string[] = [];
  const add = (kind: ReferenceKind, text: YamlString | undefined, prefix = '') => {
    if (!text?.value.startsWith(prefix)) return;
    const written = text.value.slice(prefix.length);
    const expansion = expand(written, lookup, { kind: 'compose' });
    if (!expansion.ok) {
      collector.problem(text.line, `cannot expand "${written}": ${expansion.error}`);
      return;
    }
    // A Jinja or cookiecutter template of a compose file: filled in before Compose sees it.
    if (/\{\{|\{%/.test(expansion.value)) return collector.problem(text.line, `cannot resolve the template in "${written}"`);
    // Only text written in the file can be rewritten, not a value from the environment.
    const source = expansion.source?.kind === 'literal' ? expansion.source : undefined;
    const edit = source && yaml.span(text, prefix.length + source.start, source.end - source.start);
    collector.image(kind, expansion.value, text.line, { edit });
  };
  for (const document of yaml.documents) {
    const get = (node: unknown, ...path: string[]) => yaml.get(document, node, ...path);
    const layoutOne = versionOneServices(yaml, document);
    if (layoutOne) collector.problem(layoutOne, VERSION_ONE);
    for (const [, service] of yaml.entries(document, get(document.contents, 'services'))) {
      const build = get(service, 'build');
      if (build === undefined) add('compose-image', yaml.string(document, get(service, 'image')));
      const contexts = get(build, 'additional_contexts');
      for (const [, context] of yaml.entries(document, contexts))
        add('compose-additional-context', yaml.string(document, context), IMAGE_CONTEXT);
      // The list form: `- name=docker-image://ref`.
      for (const item of yaml.items(document, contexts)) {
        const text = yaml.string(document, item);
        const equals = text ? text.value.indexOf('=') + 1 : 0;
        if (text && equals > 0) add('compose-additional-context', shifted(text, equals), IMAGE_CONTEXT);
      }
      const extended = yaml.string(document, get(service, 'extends', 'file'));
      if (extended) follow.push(extended.value);
    }
    for (const item of yaml.items(document, get(document.contents, 'include'))) {
      const path = get(item, 'path') ?? item;
      for (const entry of [path, ...yaml.items(document, path)]) {
        const included = yaml.string(document, entry);
        if (included) follow.push(included.value);
      }
    }
  }
  return { ...collector.done(), follow: follow.flatMap((path) => followedPath(file.path, path) ?? []) };
}

/** A path relative to the compose file, as a repository-relative one; undefined for remote or outside ones. */
function followedPath(from: string, path: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path) || posix.isAbsolute(path) || path.includes('$')) return undefined;
  const joined = posix.normalize(posix.join(dirName(from), path));
  return joined.startsWith('../') || joined === '..' ? undefined : joined;
}

const VERSION_ONE =
  'not read: a compose file in the version-1 layout (services at the top level, no `services:` key), which Compose v2 no longer reads; move them under `services:`';

/** The line of the first top-level service of a version-1 compose file (no `services:`, maps with `image` or `build`); else undefined. */
function versionOneServices(yaml: YamlSource, document: Document): number | undefined {
  if (yaml.get(document, document.contents, 'services') !== undefined) return undefined;
  for (const [, value] of yaml.entries(document, document.contents)) {
    const image = yaml.string(document, yaml.get(document, value, 'image'));
    if (image) return image.line;
    if (yaml.get(document, value, 'build') !== undefined) return 1;
  }
  return undefined;
}
