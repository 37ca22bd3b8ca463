import { Collector } from '../collector.js';
import { expand } from '../expand.js';
import { baseName, type FileKind } from '../file-kind.js';

/**
 * Google Cloud Build: `steps[].name`, the builder image each step runs, in YAML or JSON.
 * User substitutions (`$_NAME`, `${_NAME}`) take their values from the file's
 * `substitutions:`; the built-in ones (`$PROJECT_ID`, ...) are only known when the build
 * runs, and are reported. `$$` is a literal `$`.
 */
export const cloudBuildKind: FileKind = {
  name: 'Cloud Build configuration',
  patterns: ['**/cloudbuild*.y*ml', '**/cloudbuild*.json'],
  matchesPath: (path) => /^cloudbuild.*\.(ya?ml|json)$/i.test(baseName(path)),
  matchesContent: (file) => {
    const { yaml } = file;
    return (
      /\.(ya?ml|json)$/i.test(file.path) &&
      yaml.documents.some((document) => {
        const steps = yaml.items(document, yaml.get(document, document.contents, 'steps'));
        return (
          steps.length > 0 &&
          steps.every((step) => yaml.string(document, yaml.get(document, step, 'name')) && yaml.get(document, step, 'image') === undefined)
        );
      })
    );
  },
  scan: (file) => {
    const collector = Collector.ofYaml(file);
    const { yaml } = file;
    for (const document of yaml.documents) {
      const root = document.contents;
      const substitutions = new Map<string, string>();
      for (const [name, value] of yaml.entries(document, yaml.get(document, root, 'substitutions'))) {
        const text = yaml.scalarText(document, value);
        if (text && name.startsWith('_')) substitutions.set(name, text.value);
      }
      for (const step of yaml.items(document, yaml.get(document, root, 'steps'))) {
        const text = yaml.string(document, yaml.get(document, step, 'name'));
        if (!text || text.value === '') continue;
        const expansion = expand(text.value, (name) => substitutions.get(name), { kind: 'compose' });
        if (!expansion.ok) {
          collector.problem(text.line, `cannot expand "${text.value}": ${expansion.error}`);
          continue;
        }
        const source = expansion.source?.kind === 'literal' ? expansion.source : undefined;
        const edit = source && yaml.span(text, source.start, source.end - source.start);
        collector.image('cloudbuild-step', expansion.value, text.line, { edit });
      }
    }
    return collector.done();
  }
};
