import { Collector } from './collector.js';
import type { DiscoveryResult } from './types.js';
import { YamlSource, type YamlString } from './yaml-source.js';

const DOCKER_ACTION = 'docker://';

/**
 * Images in GitHub Actions workflows: `jobs.*.container` (a string or its `image`),
 * `jobs.*.services.*.image` and `jobs.*.steps[*].uses: docker://...`. A value holding a
 * `${{ }}` expression is only known when the workflow runs, so it is reported instead.
 */
export function parseWorkflow(file: string, content: string): DiscoveryResult {
  const collector = new Collector(file, 'workflow');
  const yaml = new YamlSource(content);
  for (const problem of yaml.problems) collector.problem(problem.line, problem.message);

  const add = (text: YamlString | undefined, prefixLength = 0) => {
    if (!text) return;
    const reference = text.value.slice(prefixLength);
    if (reference.includes('${{')) collector.problem(text.line, `cannot resolve expression in "${text.value}"`);
    else if (reference !== '') collector.image(reference, text.line, { edit: yaml.span(text, prefixLength, reference.length) });
  };

  for (const document of yaml.documents) {
    for (const [, job] of yaml.entries(document, yaml.get(document, document.contents, 'jobs'))) {
      const container = yaml.get(document, job, 'container');
      add(yaml.string(document, container) ?? yaml.string(document, yaml.get(document, container, 'image')));
      for (const [, service] of yaml.entries(document, yaml.get(document, job, 'services'))) {
        add(yaml.string(document, yaml.get(document, service, 'image')));
      }
      for (const step of yaml.items(document, yaml.get(document, job, 'steps'))) {
        const uses = yaml.string(document, yaml.get(document, step, 'uses'));
        if (uses?.value.startsWith(DOCKER_ACTION)) add(uses, DOCKER_ACTION.length);
      }
    }
  }
  return collector.done();
}
