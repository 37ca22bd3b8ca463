import type { Document } from 'yaml';
import type { FileKind } from '../file-kind.js';
import { shifted, type YamlSource } from '../yaml-source.js';
import { scanLiteralImages } from './literal-image.js';
import { DOCKER_SCHEME } from './workflow.js';

/** The pipelines of `pipelines:`: `default` is a list of steps, the others map names (branch patterns) to lists. */
const NAMED_PIPELINES = ['branches', 'tags', 'pull-requests', 'custom'];

/**
 * Bitbucket Pipelines: the top-level `image` (a string, or a map with `name` for private
 * registries), `definitions.services.*.image`, and the `image` of every step of every
 * pipeline, in `parallel` groups and `stage`s too, and pipes run straight from an image
 * (`- pipe: docker://...`; other pipes name a repository, not an image). A step reused
 * through a YAML anchor is reported once, where it is written.
 */
export const bitbucketKind: FileKind = {
  name: 'Bitbucket Pipelines configuration',
  patterns: ['bitbucket-pipelines.yml'],
  matchesPath: (path) => path === 'bitbucket-pipelines.yml',
  matchesContent: (file) =>
    file.isYaml &&
    file.yaml.documents.some((document) =>
      ['default', ...NAMED_PIPELINES].some((name) => file.yaml.get(document, document.contents, 'pipelines', name) !== undefined)
    ),
  scan: (file) =>
    scanLiteralImages(file, (document, add) => {
      const { yaml } = file;
      const root = document.contents;
      const imageOf = (node: unknown) => {
        const image = yaml.get(document, node, 'image');
        return yaml.string(document, image) ?? yaml.string(document, yaml.get(document, image, 'name'));
      };
      add('bitbucket-image', imageOf(root));
      for (const [, service] of yaml.entries(document, yaml.get(document, root, 'definitions', 'services')))
        add('bitbucket-service', imageOf(service));
      for (const step of pipelineSteps(yaml, document, root)) {
        add('bitbucket-image', imageOf(step));
        for (const section of ['script', 'after-script']) {
          for (const command of yaml.items(document, yaml.get(document, step, section))) {
            const pipe = yaml.string(document, yaml.get(document, command, 'pipe'));
            if (pipe?.value.startsWith(DOCKER_SCHEME)) add('bitbucket-pipe', shifted(pipe, DOCKER_SCHEME.length));
          }
        }
      }
    })
};

/** Every step of every pipeline, each node once (anchors make one step appear in several pipelines). */
function pipelineSteps(yaml: YamlSource, document: Document, root: unknown): Set<unknown> {
  const pipelines = yaml.get(document, root, 'pipelines');
  const lists = [yaml.get(document, pipelines, 'default')];
  for (const name of NAMED_PIPELINES) lists.push(...yaml.entries(document, yaml.get(document, pipelines, name)).map(([, list]) => list));
  const steps = new Set<unknown>();
  const visit = (list: unknown) => {
    for (const item of yaml.items(document, list)) {
      const step = yaml.get(document, item, 'step');
      if (step !== undefined) steps.add(step);
      // `parallel:` is a list of steps, or a map with `steps:`; `stage:` has `steps:`.
      const parallel = yaml.get(document, item, 'parallel');
      visit(parallel);
      visit(yaml.get(document, parallel, 'steps'));
      visit(yaml.get(document, item, 'stage', 'steps'));
    }
  };
  lists.forEach(visit);
  return steps;
}
