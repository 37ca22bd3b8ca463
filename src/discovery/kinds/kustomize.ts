import { Collector } from '../collector.js';
import { existingDigestSlot, newDigestSlot } from '../digest-slot.js';
import { baseName, type FileKind } from '../file-kind.js';

/**
 * kustomize's `images:` overrides: `newName` (else `name`) with `newTag` and `digest`. An
 * entry with neither keeps the manifests' tags, so it names no reference by itself. A
 * `newName` may carry its own tag or digest (`newName: postgres:16@sha256:...`), which
 * `newTag` and `digest` override. Pinning sets `digest`, which kustomize then uses; a
 * `newName` that carries the tag or digest and no `digest` key is pinned in place instead.
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
        if (!name) continue;
        const own = splitReference(name.value);
        const tag = field('newTag')?.value ?? own.tag;
        const digest = field('digest')?.value ?? own.digest;
        if (!tag && !digest) continue;
        const text = `${own.name}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
        if (text === name.value && !field('digest')) {
          // `newName: postgres:16`: the whole reference is written there, and is rewritten there.
          collector.image('kustomize-image', text, name.line, { edit: yaml.span(name, 0, text.length) });
          continue;
        }
        const digestSlot = existingDigestSlot(yaml, document, entry) ?? newDigestSlot(yaml, document, entry);
        collector.image('kustomize-image', text, name.line, { digestSlot, unpinnable: digestSlot ? undefined : UNPINNABLE });
      }
    }
    return collector.done();
  }
};

const UNPINNABLE = 'its images entry is not a plain map a digest key can be added to';

/** `name[:tag][@digest]` in its parts; a registry's port (`host:5000/x`) is not a tag. */
function splitReference(reference: string): { name: string; tag?: string; digest?: string } {
  const at = reference.indexOf('@');
  const digest = at === -1 ? undefined : reference.slice(at + 1);
  const rest = at === -1 ? reference : reference.slice(0, at);
  const colon = rest.lastIndexOf(':');
  if (colon === -1 || rest.indexOf('/', colon) !== -1) return { name: rest, digest };
  return { name: rest.slice(0, colon), tag: rest.slice(colon + 1), digest };
}
