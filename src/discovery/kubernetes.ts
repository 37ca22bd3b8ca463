import type { Document } from 'yaml';
import { Collector } from './collector.js';
import type { DiscoveryResult } from './types.js';
import { YamlSource } from './yaml-source.js';

/** Where each workload kind keeps its pod spec. */
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec']
};
const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'];

/** Container images of the workloads in a (multi-document) Kubernetes manifest. */
export function parseKubernetes(file: string, content: string): DiscoveryResult {
  const collector = new Collector(file, 'kubernetes');
  const yaml = new YamlSource(content);
  for (const problem of yaml.problems) collector.problem(problem.line, problem.message);
  for (const document of yaml.documents) {
    const path = POD_SPEC_PATHS[manifestKind(yaml, document) ?? ''];
    if (!path) continue;
    const podSpec = yaml.get(document, document.contents, ...path);
    for (const list of CONTAINER_LISTS) {
      for (const container of yaml.items(document, yaml.get(document, podSpec, list))) {
        const image = yaml.string(document, yaml.get(document, container, 'image'));
        if (image) collector.image(image.value, image.line, { edit: yaml.span(image, 0, image.value.length) });
      }
    }
  }
  return collector.done();
}

/** The `kind` of a document that has both `apiVersion` and `kind`. */
export function manifestKind(yaml: YamlSource, document: Document): string | undefined {
  const apiVersion = yaml.string(document, yaml.get(document, document.contents, 'apiVersion'));
  const kind = yaml.string(document, yaml.get(document, document.contents, 'kind'));
  return apiVersion && kind?.value;
}
