import type { Document } from 'yaml';
import type { FileKind } from '../file-kind.js';
import type { YamlSource, YamlString } from '../yaml-source.js';
import { scanLiteralImages } from './literal-image.js';

/** A whole value that is one pipeline parameter: `<< pipeline.parameters.name >>`. */
const PIPELINE_PARAMETER = /^<<\s*pipeline\.parameters\.([\w-]+)\s*>>$/;
/** A whole value that is one parameter of the job: `<< parameters.name >>`. */
const JOB_PARAMETER = /^<<\s*parameters\.([\w-]+)\s*>>$/;

/**
 * CircleCI: the `docker:` images of every job and executor (`- image: ...`, the first the
 * primary container, the others its services), in the file and in inline orbs. An image
 * that is exactly a pipeline parameter is its `default`; one that is exactly a job
 * parameter is each value the workflows pass to the job (`matrix` ones too), else its
 * `default`: each rewritten where that value is written. Other parameters are reported.
 * Orbs themselves, `machine:` and `macos:` images are not container images.
 */
export const circleciKind: FileKind = {
  name: 'CircleCI configuration',
  patterns: ['.circleci/config.y*ml'],
  matchesPath: (path) => /^\.circleci\/config\.ya?ml$/.test(path),
  matchesContent: (file) => {
    const { yaml } = file;
    return (
      file.isYaml &&
      yaml.documents.some((document) => {
        const has = (key: string) => yaml.get(document, document.contents, key) !== undefined;
        return has('version') && (has('jobs') || has('workflows')) && !has('on');
      })
    );
  },
  scan: (file) =>
    scanLiteralImages(file, (document, add) => {
      const { yaml } = file;
      const root = document.contents;
      const parameters = pipelineParameters(yaml, document, root);
      const calls = jobCalls(yaml, document, root);
      const inlineOrbs = yaml.entries(document, yaml.get(document, root, 'orbs')).map(([, orb]) => orb);
      for (const scope of [root, ...inlineOrbs]) {
        for (const section of ['jobs', 'executors']) {
          for (const [name, definition] of yaml.entries(document, yaml.get(document, scope, section))) {
            for (const container of yaml.items(document, yaml.get(document, definition, 'docker'))) {
              const image = yaml.string(document, yaml.get(document, container, 'image'));
              if (!image) continue;
              const pipelineParameter = PIPELINE_PARAMETER.exec(image.value)?.[1];
              const jobParameter = section === 'jobs' && scope === root ? JOB_PARAMETER.exec(image.value)?.[1] : undefined;
              const values =
                pipelineParameter !== undefined
                  ? [parameters.get(pipelineParameter)]
                  : jobParameter !== undefined
                    ? argumentsOf(yaml, document, definition, calls.get(name) ?? [], jobParameter)
                    : [image];
              for (const value of values) add('circleci-image', value ?? image, image.line);
            }
          }
        }
      }
    })
};

/** The string defaults of the top-level `parameters:`. */
function pipelineParameters(yaml: YamlSource, document: Document, root: unknown): Map<string, YamlString> {
  const defaults = new Map<string, YamlString>();
  for (const [name, parameter] of yaml.entries(document, yaml.get(document, root, 'parameters'))) {
    const value = yaml.string(document, yaml.get(document, parameter, 'default'));
    if (value) defaults.set(name, value);
  }
  return defaults;
}

/** The arguments each workflow passes to each job (a map per call, undefined for a call by bare name). */
function jobCalls(yaml: YamlSource, document: Document, root: unknown): Map<string, unknown[]> {
  const calls = new Map<string, unknown[]>();
  const call = (job: string, args: unknown) => calls.set(job, [...(calls.get(job) ?? []), args]);
  for (const [, workflow] of yaml.entries(document, yaml.get(document, root, 'workflows'))) {
    for (const item of yaml.items(document, yaml.get(document, workflow, 'jobs'))) {
      const bare = yaml.string(document, item);
      if (bare) call(bare.value, undefined);
      for (const [job, args] of yaml.entries(document, item)) call(job, args);
    }
  }
  return calls;
}

/**
 * The values a job's parameter takes: what each call passes (each `matrix` value), or the
 * parameter's `default` for a call that passes none; undefined where neither is a string.
 */
function argumentsOf(yaml: YamlSource, document: Document, job: unknown, calls: unknown[], parameter: string): (YamlString | undefined)[] {
  const fallback = yaml.string(document, yaml.get(document, job, 'parameters', parameter, 'default'));
  if (calls.length === 0) return [fallback];
  return calls.flatMap((args) => {
    const matrix = yaml.items(document, yaml.get(document, args, 'matrix', 'parameters', parameter));
    if (matrix.length > 0) return matrix.map((value) => yaml.string(document, value));
    const given = yaml.get(document, args, parameter);
    return [given === undefined ? fallback : yaml.string(document, given)];
  });
}
