import { Collector } from '../collector.js';
import { existingDigestSlot, newDigestSlot } from '../digest-slot.js';
import { baseName, type FileKind } from '../file-kind.js';

/**
 * kustomize's `images:` overrides: `newName` (else `name`) with `newTag` and `digest`. An
 * entry with neither keeps the manifests' tags, so it names no reference by itself.
 * Pinning sets `digest`, which kustomize then uses.
 */
export const kustomizeKind: FileKind = {
  name: 'kustomization',
  patterns: ['**/kustomization.y*ml'],
  matchesPath: (path) => /^kustomization\.ya?ml$/i.test(baseName(path)),
  scan: (file) => {
    const collector = Collector.ofYaml(file);
    const { yaml } = file;
    for (const document of yaml.documents) {
      for (const entry of yaml.items(document, yaml.get(document, document.contents, 'images'))) {
        const field = (key: string) => yaml.scalarText(document, yaml.get(document, entry, key));
        const name = field('newName') ?? field('name');
        const tag = field('newTag')?.value;
        const digest = field('digest')?.value;
        if (!name || (!tag && !digest)) continue;
        const text = `${name.value}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
        const digestSlot = existingDigestSlot(yaml, document, entry) ?? newDigestSlot(yaml, document, entry);
        collector.image('kustomize-image', text, name.line, { digestSlot, unpinnable: digestSlot ? undefined : UNPINNABLE });
      }
    }
    return collector.done();
  }
};

const UNPINNABLE = 'its images entry is not a plain map a digest key can be added to';
