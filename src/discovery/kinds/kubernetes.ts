import type { Document } from 'yaml';
import { Collector } from '../collector.js';
import type { FileKind, SourceFile } from '../file-kind.js';
import type { DiscoveryResult, ReferenceKind } from '../types.js';
import type { YamlSource, YamlString } from '../yaml-source.js';
import { argoApplicationReader } from './argocd.js';
import type { CustomResourceReader } from './custom-resource.js';
import { tektonBundleReader } from './tekton.js';
import { isTemplated } from './templated.js';

/** Custom resources that name images in fields of their own, each one module. */
const CUSTOM_RESOURCE_READERS: readonly CustomResourceReader[] = [argoApplicationReader, tektonBundleReader];

/** Where each workload kind keeps its pod spec. */
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ['spec'],
  PodTemplate: ['template', 'spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec']
};
const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'];

/** Kubernetes manifests: scanned when named, recognised by a document with `apiVersion` and `kind`. */
export const kubernetesKind: FileKind = {
  name: 'Kubernetes manifest',
  patterns: [],
  matchesPath: () => false,
  matchesContent: (file) => file.isYaml && file.yaml.documents.some((document) => manifestKind(file.yaml, document, document.contents)),
  scan: (file) => parseKubernetes(file)
};

/**
 * Images of a (multi-document) manifest: containers and image volumes of workloads, the
 * items of a `kind: List`, and in custom resources (an API group of their own) every
 * string `image` field, where operators such as Argo Workflows and Tekton keep them, and
 * the fields `CUSTOM_RESOURCE_READERS` know (Argo CD's kustomize overrides, Tekton bundles).
 */
export function parseKubernetes(file: SourceFile): DiscoveryResult {
  const collector = Collector.ofYaml(file);
  const { yaml } = file;
  const add = (kind: ReferenceKind, text: YamlString | undefined, offset = 0) => {
    const value = text?.value.slice(offset);
    if (!text || !value) return;
    if (isTemplated(value)) collector.problem(text.line, `cannot resolve the template in "${text.value}"`);
    else collector.image(kind, value, text.line, { edit: yaml.span(text, offset, value.length) });
  };
  const visit = (document: Document, object: unknown) => {
    const kind = manifestKind(yaml, document, object);
    if (kind === 'List') for (const item of yaml.items(document, yaml.get(document, object, 'items'))) visit(document, item);
    const path = POD_SPEC_PATHS[kind ?? ''];
    if (path) {
      const podSpec = yaml.get(document, object, ...path);
      for (const list of CONTAINER_LISTS) {
        for (const container of yaml.items(document, yaml.get(document, podSpec, list))) {
          add('k8s-container', yaml.string(document, yaml.get(document, container, 'image')));
        }
      }
      for (const volume of yaml.items(document, yaml.get(document, podSpec, 'volumes'))) {
        add('k8s-image-volume', yaml.string(document, yaml.get(document, volume, 'image', 'reference')));
      }
    } else if (kind && isCustomResource(apiVersionOf(document, object))) {
      const apiVersion = apiVersionOf(document, object);
      yaml.walk(document, object, (key, value) => {
        if (key === 'image') add('k8s-custom-resource', yaml.string(document, value));
      });
      for (const reader of CUSTOM_RESOURCE_READERS) if (reader.matches(apiVersion, kind)) reader.read(yaml, document, object, add);
    }
  };
  const apiVersionOf = (document: Document, object: unknown) => yaml.string(document, yaml.get(document, object, 'apiVersion'))!.value;
  for (const document of yaml.documents) visit(document, document.contents);
  return collector.done();
}

/** The `kind` of an object that has both `apiVersion` and `kind`. */
export function manifestKind(yaml: YamlSource, document: Document, object: unknown): string | undefined {
  const apiVersion = yaml.string(document, yaml.get(document, object, 'apiVersion'));
  const kind = yaml.string(document, yaml.get(document, object, 'kind'));
  return apiVersion && kind?.value;
}

/** An API group with a domain of its own (`argoproj.io`, `tekton.dev`), not Kubernetes' own (`v1`, `apps`, `*.k8s.io`). */
function isCustomResource(apiVersion: string): boolean {
  const slash = apiVersion.indexOf('/');
  const group = slash === -1 ? '' : apiVersion.slice(0, slash);
  return group.includes('.') && !group.endsWith('.k8s.io');
}
