import type { Document } from 'yaml';
import { baseName, type FileKind, type SourceFile } from '../file-kind.js';
import { scanLiteralImages } from './literal-image.js';

/**
 * Azure Pipelines: `resources.containers[].image`, and the `container:` and `services:` of
 * the pipeline (a single job), of `jobs` and of `stages[].jobs` (conditional and `each`
 * insertions included). A string there names a
 * container resource when one has that alias (already reported at its `image`), else an
 * image; a map has an `image`. Template expressions, macros and runtime expressions
 * (`${{ }}`, `$( )`, `$[ ]`) are reported, not guessed.
 */
export const azurePipelinesKind: FileKind = {
  name: 'Azure Pipelines configuration',
  patterns: ['**/azure-pipelines*.y*ml', '**/.azure-pipelines/**/*.y*ml'],
  matchesPath: (path) => /^azure-pipelines.*\.ya?ml$/i.test(baseName(path)) || /(^|\/)\.azure-pipelines\/.+\.ya?ml$/i.test(path),
  matchesContent: (file) => file.isYaml && file.yaml.documents.some((document) => isPipeline(file, document)),
  scan: (file) =>
    scanLiteralImages(file, (document, add) => {
      const { yaml } = file;
      const root = document.contents;
      const aliases = new Set<string>();
      for (const resource of yaml.items(document, yaml.get(document, root, 'resources', 'containers'))) {
        const alias = yaml.string(document, yaml.get(document, resource, 'container'));
        if (alias) aliases.add(alias.value);
        add('azure-container', yaml.string(document, yaml.get(document, resource, 'image')));
      }
      const addContainer = (kind: 'azure-container' | 'azure-service', node: unknown) => {
        const text = yaml.string(document, node);
        if (text) {
          if (!aliases.has(text.value)) add(kind, text);
        } else add(kind, yaml.string(document, yaml.get(document, node, 'image')));
      };
      // Items inside `- ${{ if ... }}:` or `- ${{ each ... }}:` are items of the list too.
      const itemsOf = (parent: unknown, list: string) => {
        const seen = new Set<unknown>();
        const expanded = (item: unknown): unknown[] => {
          if (seen.has(item)) return [];
          seen.add(item);
          const insertions = yaml.entries(document, item).filter(([key]) => key.startsWith('${{'));
          return insertions.length === 0 ? [item] : insertions.flatMap(([, value]) => yaml.items(document, value).flatMap(expanded));
        };
        return yaml.items(document, yaml.get(document, parent, list)).flatMap(expanded);
      };
      const stages = itemsOf(root, 'stages');
      const jobs = [root, ...[root, ...stages].flatMap((parent) => itemsOf(parent, 'jobs'))];
      for (const job of jobs) {
        addContainer('azure-container', yaml.get(document, job, 'container'));
        for (const [, service] of yaml.entries(document, yaml.get(document, job, 'services'))) addContainer('azure-service', service);
      }
    })
};

/** Keys only an Azure Pipelines list item has: a stage, a job, or a step that is not a plain `script`. */
const ITEM_KEYS: Readonly<Record<string, readonly string[]>> = {
  stages: ['stage'],
  jobs: ['job', 'deployment'],
  steps: ['task', 'bash', 'pwsh', 'powershell', 'checkout']
};

/** A document shaped as a pipeline or a template: container resources, or stages, jobs or steps with their keys. */
function isPipeline(file: SourceFile, document: Document.Parsed): boolean {
  const { yaml } = file;
  const root = document.contents;
  if (yaml.items(document, yaml.get(document, root, 'resources', 'containers')).length > 0) return true;
  return Object.entries(ITEM_KEYS).some(([list, keys]) =>
    yaml.items(document, yaml.get(document, root, list)).some((item) => keys.some((key) => yaml.get(document, item, key) !== undefined))
  );
}
