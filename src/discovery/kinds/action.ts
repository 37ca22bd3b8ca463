import { Collector } from '../collector.js';
import { baseName, type FileKind } from '../file-kind.js';
import { addActionImage, DOCKER_SCHEME } from './workflow.js';

/**
 * Actions' `action.yml`: a Docker container action's `runs.image: docker://<ref>` (an
 * image naming a Dockerfile is built, not pulled, so it is not a reference), and a
 * composite action's steps that run an image, `uses: docker://<ref>`.
 */
export const actionKind: FileKind = {
  name: 'container action',
  patterns: ['**/action.y*ml'],
  matchesPath: (path) => /^action\.ya?ml$/i.test(baseName(path)),
  scan: (file) => {
    const collector = Collector.ofYaml(file);
    const { yaml } = file;
    const add = addActionImage(collector, file);
    for (const document of yaml.documents) {
      const image = yaml.string(document, yaml.get(document, document.contents, 'runs', 'image'));
      if (image?.value.startsWith(DOCKER_SCHEME)) add('action-image', image, DOCKER_SCHEME.length);
      for (const step of yaml.items(document, yaml.get(document, document.contents, 'runs', 'steps'))) {
        const uses = yaml.string(document, yaml.get(document, step, 'uses'));
        if (uses?.value.startsWith(DOCKER_SCHEME)) add('action-step', uses, DOCKER_SCHEME.length);
      }
    }
    return collector.done();
  }
};
