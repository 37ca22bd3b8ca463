import type { CustomResourceReader } from './custom-resource.js';

/**
 * Argo CD `Application` (and an `ApplicationSet`'s template): the kustomize image
 * overrides of each source, `spec.source.kustomize.images` and `spec.sources[]`, written
 * as kustomize's `edit set image` takes them: `[alias=]name[:tag][@digest]`. An override
 * with neither tag nor digest only renames, so it names no reference by itself.
 */
export const argoApplicationReader: CustomResourceReader = {
  matches: (apiVersion, kind) => apiVersion.startsWith('argoproj.io/') && (kind === 'Application' || kind === 'ApplicationSet'),
  read: (yaml, document, resource, add) => {
    const kind = yaml.string(document, yaml.get(document, resource, 'kind'))?.value;
    const spec =
      kind === 'ApplicationSet' ? yaml.get(document, resource, 'spec', 'template', 'spec') : yaml.get(document, resource, 'spec');
    const sources = [yaml.get(document, spec, 'source'), ...yaml.items(document, yaml.get(document, spec, 'sources'))];
    for (const source of sources) {
      for (const item of yaml.items(document, yaml.get(document, source, 'kustomize', 'images'))) {
        const text = yaml.string(document, item);
        if (!text) continue;
        const offset = text.value.indexOf('=') + 1;
        if (/[:@]/.test(text.value.slice(offset).replace(/^[^/]*:\d+\//, ''))) add('argocd-kustomize-image', text, offset);
      }
    }
  }
};
