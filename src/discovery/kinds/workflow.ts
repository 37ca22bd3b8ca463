import { Collector } from '../collector.js';
import type { FileKind, SourceFile } from '../file-kind.js';
import type { DiscoveryResult, ReferenceKind } from '../types.js';
import type { YamlString } from '../yaml-source.js';

export const DOCKER_SCHEME = 'docker://';

/** GitHub Actions workflows: `.github/workflows/*.yml` (not in subfolders, which GitHub ignores). */
export const workflowKind: FileKind = {
  name: 'workflow',
  patterns: ['.github/workflows/*.y*ml'],
  matchesPath: (path) => /(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/i.test(path),
  matchesContent: (file) => {
    const { yaml } = file;
    const has = (document: (typeof yaml.documents)[number], key: string) => yaml.get(document, document.contents, key) !== undefined;
    return file.isYaml && yaml.documents.some((document) => has(document, 'jobs') && has(document, 'on'));
  },
  scan: (file) => parseWorkflow(file)
};

/**
 * Images in a workflow: `jobs.*.container` (a string or its `image`),
 * `jobs.*.services.*` (a string or its `image`) and `jobs.*.steps[*].uses: docker://...`.
 */
export function parseWorkflow(file: SourceFile): DiscoveryResult {
  const collector = Collector.ofYaml(file);
  const { yaml } = file;
  const add = addActionImage(collector, file);
  for (const document of yaml.documents) {
    const stringOrImage = (node: unknown) => yaml.string(document, node) ?? yaml.string(document, yaml.get(document, node, 'image'));
    for (const [, job] of yaml.entries(document, yaml.get(document, document.contents, 'jobs'))) {
      add('workflow-container', stringOrImage(yaml.get(document, job, 'container')));
      for (const [, service] of yaml.entries(document, yaml.get(document, job, 'services')))
        add('workflow-service', stringOrImage(service));
      for (const step of yaml.items(document, yaml.get(document, job, 'steps'))) {
        const uses = yaml.string(document, yaml.get(document, step, 'uses'));
        if (uses?.value.startsWith(DOCKER_SCHEME)) add('workflow-step', uses, DOCKER_SCHEME.length);
      }
    }
  }
  return collector.done();
}

/**
 * Adds a reference written in a workflow or action: a value holding a `${{ }}` expression
 * is only known when the workflow runs, so it is reported instead.
 */
export function addActionImage(collector: Collector, file: SourceFile) {
  return (kind: ReferenceKind, text: YamlString | undefined, prefixLength = 0): void => {
    if (!text) return;
    const reference = text.value.slice(prefixLength);
    if (reference.includes('${{')) collector.problem(text.line, `cannot resolve expression in "${text.value}"`);
    else if (reference !== '') collector.image(kind, reference, text.line, { edit: file.yaml.span(text, prefixLength, reference.length) });
  };
}
