import type { Document } from 'yaml';
import { Collector } from '../collector.js';
import type { SourceFile } from '../file-kind.js';
import type { DiscoveryResult, ReferenceKind } from '../types.js';
import type { YamlSource, YamlString } from '../yaml-source.js';
import { isTemplated } from './templated.js';

/** What CI systems fill in before a job runs, besides `isTemplated`'s: CircleCI `<< x >>`, Azure `$[ x ]`. */
const CI_PLACEHOLDER = /<<|\$\[/;

export type AddImage = (kind: ReferenceKind, text: YamlString | undefined, line?: number) => void;

/** Scans each YAML document of a CI file with `visit`, which adds the images it finds (see `literalImage`). */
export function scanLiteralImages(file: SourceFile, visit: (document: Document.Parsed, add: AddImage) => void): DiscoveryResult {
  const collector = Collector.ofYaml(file);
  const add = literalImage(collector, file.yaml);
  for (const document of file.yaml.documents) visit(document, add);
  return collector.done();
}

/**
 * Adds an image written as one YAML string, rewritable in place where it is verbatim. A
 * value the CI system fills in first (`${VAR}`, `$(var)`, `<< parameters.x >>`) is
 * reported as not resolvable rather than guessed. `line` is where the image is used, when
 * its text is written elsewhere (a parameter's default). A value reached again through
 * an anchor (`<<: *defaults`) is one use: it is reported once.
 */
function literalImage(collector: Collector, yaml: YamlSource): AddImage {
  const seen = new Set<string>();
  return (kind, text, line = text?.line) => {
    if (!text || text.value === '' || line === undefined) return;
    const place = JSON.stringify([line, text.line, text.verbatimStart, text.value]);
    if (seen.has(place)) return;
    seen.add(place);
    if (isTemplated(text.value) || CI_PLACEHOLDER.test(text.value))
      collector.problem(line, `cannot resolve the variable in "${text.value}"`);
    else collector.image(kind, text.value, line, { edit: yaml.span(text, 0, text.value.length) });
  };
}
