import type { FileKind } from '../file-kind.js';
import { scanStepImages } from './drone.js';

/**
 * Woodpecker: the `image` of every step, service and `clone` step of a workflow
 * (`.woodpecker.yml`, or each file of `.woodpecker/`), as a list or a map by name; the
 * older `pipeline:` key too. Matrix and other `${VARIABLE}`s are reported, not guessed.
 */
export const woodpeckerKind: FileKind = {
  name: 'Woodpecker workflow',
  patterns: ['.woodpecker.y*ml', '.woodpecker/*.y*ml'],
  matchesPath: (path) => /^(\.woodpecker\.ya?ml|\.woodpecker\/[^/]+\.ya?ml)$/i.test(path),
  scan: (file) =>
    scanStepImages(file, {
      steps: 'woodpecker-step',
      pipeline: 'woodpecker-step',
      services: 'woodpecker-service',
      clone: 'woodpecker-clone'
    })
};
