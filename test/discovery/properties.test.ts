import fc from 'fast-check';
import { discover } from '../../src/discovery/discover.js';
import { SourceFile, type FileKind } from '../../src/discovery/file-kind.js';
import { actionKind } from '../../src/discovery/kinds/action.js';
import { azurePipelinesKind } from '../../src/discovery/kinds/azure-pipelines.js';
import { bitbucketKind } from '../../src/discovery/kinds/bitbucket.js';
import { circleciKind } from '../../src/discovery/kinds/circleci.js';
import { cloudBuildKind } from '../../src/discovery/kinds/cloud-build.js';
import { droneKind } from '../../src/discovery/kinds/drone.js';
import { woodpeckerKind } from '../../src/discovery/kinds/woodpecker.js';
import { devcontainerKind } from '../../src/discovery/kinds/devcontainer.js';
import { gitlabCiKind } from '../../src/discovery/kinds/gitlab-ci.js';
import { helmValuesKind } from '../../src/discovery/kinds/helm.js';
import { kustomizeKind } from '../../src/discovery/kinds/kustomize.js';
import { scanCompose } from '../../src/discovery/kinds/compose.js';
import { parseDockerfile } from '../../src/discovery/kinds/dockerfile.js';
import { expand } from '../../src/discovery/expand.js';
import { bakeKind } from '../../src/discovery/kinds/bake.js';
import { quadletKind } from '../../src/discovery/kinds/quadlet.js';
import { parseKubernetes } from '../../src/discovery/kinds/kubernetes.js';
import type { DiscoveryResult } from '../../src/discovery/types.js';
import { parseWorkflow } from '../../src/discovery/kinds/workflow.js';
import { parseReference } from '../../src/name/reference.js';
import { textAt } from './spans.js';
import { tempRepo } from './temp-repo.js';

const DOCKERFILE_PIECES = [
  'FROM ',
  'from ',
  'ARG ',
  'ENV ',
  'COPY ',
  'RUN ',
  'ONBUILD ',
  ' AS ',
  'as ',
  'scratch',
  '--platform=',
  '--from=',
  '--mount=type=bind,from=',
  ',target=/x',
  '${',
  '}',
  '$',
  ':-',
  ':+',
  ':?',
  '-',
  '=',
  '\\',
  '`',
  '\n',
  '\r\n',
  '"',
  "'",
  ' ',
  '\t',
  '#',
  '# escape=`\n',
  '# syntax=docker/dockerfile:1\n',
  '<<EOF',
  '<<-EOF',
  "<<'EOF'",
  '\nEOF\n',
  'nginx',
  'ghcr.io/acme/app',
  ':1.25',
  '@sha256:' + 'a'.repeat(64),
  'BASE',
  'TAG',
  '0',
  'build',
  '\uFEFF'
];

const YAML_PIECES = [
  'services:',
  'jobs:',
  'steps:',
  'spec:',
  'template:',
  'jobTemplate:',
  'containers:',
  'initContainers:',
  'ephemeralContainers:',
  'apiVersion: v1\n',
  'kind: Pod\n',
  'kind: CronJob\n',
  'kind: Deployment\n',
  'image: ',
  '{% if x %}\n',
  '{{- end }}\n',
  '{{ .Values.image }}',
  'apiVersion: argoproj.io/v1alpha1\n',
  'kind: Application\n',
  'source:',
  'kustomize:',
  'images:',
  '=',
  'apiVersion: tekton.dev/v1\n',
  'taskRef:',
  'bundle: ',
  'resolver: bundles\n',
  'params:',
  '- name: bundle\n',
  'value: ',
  'container: ',
  'uses: ',
  'build: .',
  '\n',
  '\r\n',
  '  ',
  '    ',
  '- ',
  '---\n',
  '...\n',
  '&a ',
  '*a',
  '<<: ',
  '{',
  '}',
  '[',
  ']',
  ', ',
  '"',
  "'",
  ':',
  '#',
  '? ',
  '!!str ',
  '|\n',
  '>-\n',
  'nginx:1.25',
  'docker://',
  '${{ x }}',
  '${X:-y}',
  '${X',
  '$$',
  '%YAML 1.2\n',
  '\t',
  '\\',
  '\uFEFF'
];

/** Text assembled from pieces that matter to the parsers. */
function textOf(pieces: string[]): fc.Arbitrary<string> {
  return fc.array(fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 4 })), { maxLength: 60 }).map((parts) => parts.join(''));
}

/** A well-formed text with a few pieces inserted at random places: near misses of real files. */
function mutated(base: fc.Arbitrary<string>, pieces: string[]): fc.Arbitrary<string> {
  const insertion = fc.tuple(fc.nat(), fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 3 })));
  return fc.tuple(base, fc.array(insertion, { maxLength: 3 })).map(([text, insertions]) =>
    insertions.reduce((result, [at, piece]) => {
      const index = at % (result.length + 1);
      return result.slice(0, index) + piece + result.slice(index);
    }, text)
  );
}

const reference = fc.constantFrom(
  'nginx',
  'nginx:1.25',
  'ghcr.io/acme/app:2.0',
  'localhost:5000/x/y:1',
  `alpine:3.20@sha256:${'a'.repeat(64)}`,
  'Bad/Ref',
  'scratch'
);
const word = fc.oneof(
  reference,
  reference.map((text) => `"${text}"`),
  fc.constantFrom('${BASE}', '$BASE', 'nginx:${TAG}', '${X:-alpine:3.20}', '${TAG:+x}', 'build', '0', '${UNSET}')
);
const eol = fc.constantFrom('\n', '\r\n');

const dockerfile = fc
  .tuple(
    fc.array(
      fc.oneof(
        fc
          .tuple(
            fc.constantFrom('', '--platform=linux/amd64 ', '--platform=$BUILDPLATFORM '),
            word,
            fc.constantFrom('', ' AS build', ' as b2')
          )
          .map(([flag, image, alias]) => `FROM ${flag}${image}${alias}`),
        fc.tuple(fc.constantFrom('BASE', 'TAG', 'X'), word).map(([name, value]) => `ARG ${name}=${value}`),
        fc.constantFrom('ARG BASE', 'ARG TAG', 'ENV X=busybox:1.36', '# comment', '', 'RUN <<EOF\nFROM nope\nEOF'),
        word.map((image) => `COPY --from=${image} / /`),
        word.map((image) => `RUN --mount=type=bind,from=${image},target=/t \\\n  true`)
      ),
      { maxLength: 12 }
    ),
    eol
  )
  .map(([lines, newline]) => lines.join('\n').replace(/\n/g, newline));

const yamlScalar = fc.oneof(
  reference,
  reference.map((text) => `"${text}"`),
  reference.map((text) => `'${text}'`),
  fc.constantFrom('${X:-nginx:1.27}', '${{ matrix.image }}', '*img')
);
const yamlFile = fc
  .tuple(fc.constantFrom('services', 'jobs', 'k8s', 'argo', 'tekton'), fc.array(yamlScalar, { minLength: 1, maxLength: 5 }), eol)
  .map(([shape, images, newline]) => {
    const head = 'x-anchor: &img nginx:1.25\n';
    const body = images
      .map((image, i) =>
        shape === 'services'
          ? `  s${i}:\n    image: ${image}\n`
          : shape === 'jobs'
            ? `  j${i}:\n    container: ${image}\n    services:\n      db:\n        image: ${image}\n    steps:\n      - uses: docker://${image.replace(/^["']|["']$/g, '')}\n`
            : shape === 'argo'
              ? `---\napiVersion: argoproj.io/v1alpha1\nkind: Application\nspec:\n  source:\n    kustomize:\n      images: [${image}]\n`
              : shape === 'tekton'
                ? `---\napiVersion: tekton.dev/v1\nkind: PipelineRun\nspec:\n  pipelineRef:\n    resolver: bundles\n    params:\n      - {name: bundle, value: ${image}}\n`
                : `---\napiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: c${i}\n      image: ${image}\n`
      )
      .join('');
    return (['k8s', 'argo', 'tekton'].includes(shape) ? body : `${head}${shape}:\n${body}`).replace(/\n/g, newline);
  });

const arbitraryText = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ maxLength: 200 }));

/** What every parser promises: no throw, valid references, lines in the file, spans that hold the text. */
function checkResult(content: string, result: DiscoveryResult): void {
  const lineCount = content.split('\n').length;
  for (const occurrence of result.occurrences) {
    expect(() => parseReference(occurrence.text)).not.toThrow();
    expect(occurrence.line).toBeGreaterThanOrEqual(1);
    expect(occurrence.line).toBeLessThanOrEqual(lineCount);
    if (occurrence.edit) expect(textAt(content, occurrence.edit)).toBe(occurrence.text);
  }
  for (const problem of result.problems) {
    expect(problem.line).toBeGreaterThanOrEqual(1);
    expect(problem.line).toBeLessThanOrEqual(lineCount);
  }
}

const PARSERS: [string, (content: string) => DiscoveryResult, string[], fc.Arbitrary<string>][] = [
  ['parseDockerfile', (content) => parseDockerfile('Dockerfile', content), DOCKERFILE_PIECES, dockerfile],
  ['parseCompose', (content) => scanCompose(new SourceFile('compose.yaml', content)), YAML_PIECES, yamlFile],
  ['parseWorkflow', (content) => parseWorkflow(new SourceFile('.github/workflows/ci.yml', content)), YAML_PIECES, yamlFile],
  ['parseKubernetes', (content) => parseKubernetes(new SourceFile('k8s.yaml', content)), YAML_PIECES, yamlFile]
];

describe.each(PARSERS)('%s on arbitrary input', (_name, parse, pieces, wellFormed) => {
  test('never throws, and what it reports is consistent', () => {
    const input = fc.oneof(arbitraryText, textOf(pieces), wellFormed, mutated(wellFormed, pieces));
    fc.assert(
      fc.property(input, (content) => checkResult(content, parse(content))),
      { numRuns: 600 }
    );
  });

  test('finds something in well-formed input (so the property above is not vacuous)', () => {
    const samples = fc.sample(wellFormed, { numRuns: 200, seed: 42 });
    const found = samples.flatMap((content) => parse(content).occurrences);
    expect(found.filter((occurrence) => occurrence.edit).length).toBeGreaterThan(50);
  });
});

describe('expand on arbitrary input', () => {
  test('never throws; a literal source is the verbatim text of the value', () => {
    const lookup = (name: string) => ({ A: 'nginx', B: '', C: '1.25' })[name];
    fc.assert(
      fc.property(
        fc.oneof(arbitraryText, textOf(['$', '{', '}', ':-', '-', ':+', '+', ':?', '?', 'A', 'B', 'C', 'D', '"', "'", '\\', '$$'])),
        fc.constantFrom(
          { kind: 'dockerfile', escape: '\\' } as const,
          { kind: 'dockerfile', escape: '`' } as const,
          { kind: 'compose' } as const
        ),
        (text, dialect) => {
          const result = expand(text, lookup, dialect);
          if (result.ok && result.source?.kind === 'literal') {
            expect(text.slice(result.source.start, result.source.end)).toBe(result.value);
          }
        }
      ),
      { numRuns: 1000 }
    );
  });
});

const MAP_PIECES = [
  'images:\n',
  '  - name: nginx\n',
  '    newName: ghcr.io/acme/app\n',
  '    newTag: 1.25\n',
  '    digest: ',
  'image:\n',
  '  registry: docker.io\n',
  '  repository: acme/app\n',
  '  tag: ""\n',
  '  digest: ""\n',
  'runs:\n  using: docker\n  image: docker://alpine:3.20\n',
  'services:\n  - name: redis:7\n',
  'variables:\n  V: "1"\n',
  'default:\n',
  'include:\n  - local: /x.yml\n',
  '$V',
  '{{ .Values.x }}',
  '{ "image": "alpine:3.20", // c\n}',
  '/* */',
  ',}',
  ...YAML_PIECES
];

/** The shapes of the CI systems' files: keys, parameters and placeholders they use. */
const CI_PIECES = [
  'version: 2.1\n',
  'parameters:\n  p:\n    default: node:20\n',
  'docker:\n  - image: ',
  '<< pipeline.parameters.p >>',
  '<< parameters.p >>',
  'workflows:\n  w:\n    jobs:\n      - j:\n          p: a:1\n',
  'matrix:\n  parameters:\n    p: [a:1]\n',
  'executors:\n',
  'orbs:\n',
  'pipelines:\n  default:\n',
  '- step:\n',
  '- parallel:\n',
  '- stage:\n',
  'definitions:\n',
  '- pipe: docker://',
  'resources:\n  containers:\n    - container: c\n',
  'stages:\n',
  '$[ x ]',
  '$(x)',
  'substitutions:\n  _V: "1"\n',
  'name: ',
  '$_V',
  'kind: pipeline\n',
  'kind: secret\n',
  'clone:\n',
  'pipeline:\n',
  '{"steps": [{"name": "alpine"}]}',
  '[Container]\n',
  '[Image]\n',
  '[Volume]\n',
  'Image=',
  'Image = "',
  '\\\n',
  '; ',
  '%i',
  'target "a" {\n',
  'variable "V" { default = "alpine:3" }\n',
  'args = {',
  'contexts = {',
  'BASE = ',
  '"docker-image://',
  'dockerfile-inline = "FROM ${BASE}"\n',
  '${V}',
  '<<EOT\n',
  'EOT\n',
  '/*',
  '*/',
  '}\n',
  '"target": {"a": {"args": {"B": "x:1"}}}'
];

const KINDS: [string, FileKind, string][] = [
  ['circleci', circleciKind, '.circleci/config.yml'],
  ['bitbucket', bitbucketKind, 'bitbucket-pipelines.yml'],
  ['azure pipelines', azurePipelinesKind, 'azure-pipelines.yml'],
  ['cloud build', cloudBuildKind, 'cloudbuild.yaml'],
  ['drone', droneKind, '.drone.yml'],
  ['woodpecker', woodpeckerKind, '.woodpecker.yml'],
  ['quadlet', quadletKind, 'web.container'],
  ['bake (HCL)', bakeKind, 'docker-bake.hcl'],
  ['bake (JSON)', bakeKind, 'docker-bake.json'],
  ['action', actionKind, 'action.yml'],
  ['helm values', helmValuesKind, 'values.yaml'],
  ['kustomize', kustomizeKind, 'kustomization.yaml'],
  ['gitlab-ci', gitlabCiKind, '.gitlab-ci.yml'],
  ['devcontainer', devcontainerKind, '.devcontainer.json']
];

describe.each(KINDS)('%s on arbitrary input', (_name, kind, path) => {
  test('never throws, and what it reports is consistent', async () => {
    const repository = { env: {}, readText: () => Promise.resolve('appVersion: 1.0\n'), hasFile: () => Promise.resolve(true) };
    await fc.assert(
      fc.asyncProperty(fc.oneof(arbitraryText, textOf(MAP_PIECES), textOf([...CI_PIECES, ...YAML_PIECES])), async (content) => {
        const result = await kind.scan(new SourceFile(path, content), repository);
        checkResult(content, result);
        for (const occurrence of result.occurrences) {
          if (occurrence.digestSlot) expect(textAt(content, occurrence.digestSlot.span)).toBe(occurrence.digestSlot.from);
        }
      }),
      { numRuns: 400 }
    );
  });
});

describe('discover on arbitrary trees', () => {
  test('never throws, whatever the files hold and are called', async () => {
    const name = fc.constantFrom(
      'Dockerfile',
      'compose.yaml',
      'values.yaml',
      'Chart.yaml',
      'kustomization.yaml',
      'web.container',
      'docker-bake.hcl',
      '.gitlab-ci.yml',
      'action.yml',
      'x.yaml',
      '.circleci/config.yml',
      'bitbucket-pipelines.yml',
      'azure-pipelines.yml',
      'cloudbuild.json',
      '.drone.yml',
      '.woodpecker.yml'
    );
    const tree = fc.dictionary(
      fc.tuple(fc.constantFrom('', 'a/', 'a/templates/', '.devcontainer/', '.github/workflows/'), name).map(([dir, file]) => dir + file),
      fc.oneof(textOf(MAP_PIECES), textOf(DOCKERFILE_PIECES), textOf(CI_PIECES)),
      { maxKeys: 6 }
    );
    await fc.assert(
      fc.asyncProperty(tree, async (files) => {
        const cwd = await tempRepo(files);
        const result = await discover({ cwd });
        for (const occurrence of result.occurrences) expect(() => parseReference(occurrence.text)).not.toThrow();
        await expect(discover({ cwd, files: Object.keys(files) })).resolves.toBeDefined();
      }),
      { numRuns: 40 }
    );
  });
});
