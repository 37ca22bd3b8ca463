import { Collector } from '../collector.js';
import { baseName, type FileKind } from '../file-kind.js';
import { addActionImage, DOCKER_SCHEME } from './workflow.js';

/**
 * Docker container actions: `runs.image: docker://<ref>` in `action.yml`. An image
 * naming a Dockerfile is built, not pulled, so it is not a reference.
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
    }
    return collector.done();
  }
};
