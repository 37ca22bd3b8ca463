import type { CustomResourceReader } from './custom-resource.js';

const REFERENCES = new Set(['taskRef', 'pipelineRef']);

/**
 * Tekton bundles: the OCI image a `taskRef` or `pipelineRef` loads its Task or Pipeline
 * from, wherever a Tekton resource holds one (PipelineRuns, TaskRuns, a Pipeline's tasks),
 * in the older `bundle:` field or the bundles resolver's `bundle` parameter. (The
 * `image:` of Task steps is read as in any custom resource.)
 */
export const tektonBundleReader: CustomResourceReader = {
  matches: (apiVersion) => apiVersion.startsWith('tekton.dev/'),
  read: (yaml, document, resource, add) => {
    yaml.walk(document, resource, (key, reference) => {
      if (!REFERENCES.has(key)) return;
      add('tekton-bundle', yaml.string(document, yaml.get(document, reference, 'bundle')));
      if (yaml.string(document, yaml.get(document, reference, 'resolver'))?.value !== 'bundles') return;
      for (const param of yaml.items(document, yaml.get(document, reference, 'params'))) {
        if (yaml.string(document, yaml.get(document, param, 'name'))?.value === 'bundle') {
          add('tekton-bundle', yaml.string(document, yaml.get(document, param, 'value')));
        }
      }
    });
  }
};
