import type { Document } from 'yaml';
import { Collector } from '../collector.js';
import { existingDigestSlot } from '../digest-slot.js';
import { baseName, dirName, SourceFile, type FileKind, type Repository } from '../file-kind.js';
import { isTemplated } from './templated.js';

/**
 * Helm values files (`values*.yaml` beside a `Chart.yaml`): every `image` (or `*Image`)
 * value, either a whole reference or a map in the layouts charts use (`registry`,
 * `repository`, `tag` or `version`, `digest` or `sha`; under another key when it has
 * `registry`), an empty tag meaning the chart's `appVersion` as `helm create` writes it. A
 * map that names no tag, no digest and has no `appVersion` to fall back on is reported as
 * not resolvable: the chart's template decides its tag, and `latest` would be a guess. A
 * map is pinned through its `digest` key; one without it is reported, since where its
 * template puts a digest cannot be known from the values.
 */
export const helmValuesKind: FileKind = {
  name: 'Helm values file',
  patterns: ['**/values*.y*ml'],
  matchesPath: (path, repository) => /^values.*\.ya?ml$/i.test(baseName(path)) && repository.hasFile(chartOf(path)),
  scan: async (file, repository) => {
    const collector = Collector.ofYaml(file);
    const { yaml } = file;
    const appVersion = await chartAppVersion(chartOf(file.path), repository);
    for (const document of yaml.documents) {
      yaml.walk(document, document.contents, (key, value) => {
        const whole = /image$/i.test(key) ? yaml.string(document, value) : undefined;
        if (whole) {
          if (whole.value === '') return;
          if (isTemplated(whole.value)) collector.problem(whole.line, `cannot resolve the template in "${whole.value}"`);
          else collector.image('helm-values', whole.value, whole.line, { edit: yaml.span(whole, 0, whole.value.length) });
        } else if (/image$/i.test(key) || yaml.get(document, value, 'registry') !== undefined) {
          imageMap(collector, file, document, value, appVersion);
        }
      });
    }
    return collector.done();
  }
};

function imageMap(collector: Collector, file: SourceFile, document: Document, map: unknown, appVersion: string | undefined): void {
  const { yaml } = file;
  const field = (key: string) => yaml.scalarText(document, yaml.get(document, map, key))?.value;
  const repository = yaml.string(document, yaml.get(document, map, 'repository'));
  // A chart or git repository URL is not an image's repository.
  if (!repository || repository.value === '' || repository.value.includes('://')) return;
  const registry = field('registry');
  const sha = field('digest') || field('sha');
  const digest = sha && !sha.includes(':') ? `sha256:${sha}` : sha;
  const tag = field('tag') || field('version') || (digest ? undefined : appVersion);
  if (!tag && !digest) {
    // A problem on the line, not an invalid reference: the values are fine, they just do not say.
    collector.problem(
      repository.line,
      `"${repository.value}" names no tag or digest here (its chart's template picks one): not resolvable`
    );
    return;
  }
  const text = `${registry ? `${registry}/` : ''}${repository.value}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
  if (isTemplated(text)) {
    collector.problem(repository.line, `cannot resolve the template in "${text}"`);
    return;
  }
  const digestSlot = existingDigestSlot(yaml, document, map);
  collector.image('helm-values', text, repository.line, { digestSlot, unpinnable: digestSlot ? undefined : UNPINNABLE });
}

const UNPINNABLE = 'its image map has no digest key (add `digest: ""` if the chart uses one, and pin again)';

function chartOf(path: string): string {
  const dir = dirName(path);
  return dir ? `${dir}/Chart.yaml` : 'Chart.yaml';
}

async function chartAppVersion(chart: string, repository: Repository): Promise<string | undefined> {
  const content = await repository.readText(chart);
  if (content === undefined) return undefined;
  const { yaml } = new SourceFile(chart, content);
  const [document] = yaml.documents;
  return document && yaml.scalarText(document, yaml.get(document, document.contents, 'appVersion'))?.value;
}
