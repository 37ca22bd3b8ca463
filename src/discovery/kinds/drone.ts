import { baseName, type FileKind, type SourceFile } from '../file-kind.js';
import type { DiscoveryResult, ReferenceKind } from '../types.js';
import { scanLiteralImages } from './literal-image.js';

/**
 * Drone: the `image` of every step and service of each `kind: pipeline` document (other
 * kinds, `secret` or `signature`, hold none). The 0.8 layout, a `pipeline:` map of
 * steps, is read too. `${DRONE_TAG}` and other substitutions are reported, not guessed.
 */
export const droneKind: FileKind = {
  name: 'Drone pipeline',
  patterns: ['**/.drone.y*ml'],
  matchesPath: (path) => /^\.drone\.ya?ml$/i.test(baseName(path)),
  scan: (file) => scanStepImages(file, { steps: 'drone-step', pipeline: 'drone-step', services: 'drone-service' })
};

/**
 * The `image` of every entry of the given sections of a Drone-like file (Drone, and
 * Woodpecker, its fork), each a list of steps or a map of them by name.
 */
export function scanStepImages(file: SourceFile, sections: Readonly<Record<string, ReferenceKind>>): DiscoveryResult {
  const { yaml } = file;
  return scanLiteralImages(file, (document, add) => {
    const root = document.contents;
    const kind = yaml.string(document, yaml.get(document, root, 'kind'));
    if (kind && kind.value !== 'pipeline') return;
    for (const [section, referenceKind] of Object.entries(sections)) {
      const node = yaml.get(document, root, section);
      const entries = [...yaml.items(document, node), ...yaml.entries(document, node).map(([, entry]) => entry)];
      for (const entry of entries) add(referenceKind, yaml.string(document, yaml.get(document, entry, 'image')));
    }
  });
}
