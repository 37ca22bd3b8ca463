import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { discover } from '../../src/discovery/discover.js';
import { SourceFile } from '../../src/discovery/file-kind.js';
import { parseKubernetes } from '../../src/discovery/kinds/kubernetes.js';
import { pinFiles } from '../../src/pin/pin.js';
import { tempRepo } from './temp-repo.js';
import { expectSpansHoldText, summary } from './spans.js';

const D = `sha256:${'c'.repeat(64)}`;

function parse(content: string) {
  const result = parseKubernetes(new SourceFile('apps/app.yaml', content));
  expectSpansHoldText(content, result);
  return result;
}

const ARGO = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://github.com/acme/deploy.git
    path: guestbook
    kustomize:
      namePrefix: prod-
      images:
        - ghcr.io/acme/guestbook:0.2
        - "frontend=registry.example.com:5000/acme/frontend:1.4.0"
        - worker=acme/worker@sha256:${'a'.repeat(64)}
        - renamed=acme/renamed
  destination:
    server: https://kubernetes.default.svc
---
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: clusters
spec:
  generators:
    - list: {elements: [{cluster: a}]}
  template:
    metadata: {name: '{{cluster}}-api'}
    spec:
      sources:
        - repoURL: https://github.com/acme/api.git
          kustomize:
            images: ["acme/api:{{cluster}}", "acme/api-sidecar:2.0"]
`;

const TEKTON = `apiVersion: tekton.dev/v1
kind: PipelineRun
metadata:
  generateName: build-
spec:
  pipelineRef:
    resolver: bundles
    params:
      - name: bundle
        value: ghcr.io/acme/pipelines:1.3
      - name: name
        value: build
      - name: kind
        value: pipeline
---
apiVersion: tekton.dev/v1beta1
kind: Pipeline
metadata:
  name: release
spec:
  tasks:
    - name: clone
      taskRef:
        name: git-clone
        bundle: gcr.io/tekton-releases/catalog/upstream/git-clone:0.9
    - name: test
      taskRef:
        resolver: git
        params: [{name: url, value: https://github.com/acme/tasks.git}]
    - name: scan
      taskSpec:
        steps:
          - name: scan
            image: aquasec/trivy:0.50.0
`;

describe('custom resources with image fields of their own', () => {
  test("Argo CD: an Application's and an ApplicationSet template's kustomize image overrides, after any alias=", () => {
    const result = parse(ARGO);
    expect(summary(result)).toEqual([
      '14 ghcr.io/acme/guestbook:0.2 @14:11',
      '15 registry.example.com:5000/acme/frontend:1.4.0 @15:21',
      `16 acme/worker@sha256:${'a'.repeat(64)} @16:18`,
      '34 acme/api-sidecar:2.0 @34:47'
    ]);
    expect(result.occurrences.every((occurrence) => occurrence.kind === 'argocd-kustomize-image')).toBe(true);
    expect(result.problems).toEqual([
      { file: 'apps/app.yaml', line: 34, message: 'cannot resolve the template in "acme/api:{{cluster}}"' }
    ]);
  });

  test("Tekton: bundles in taskRef/pipelineRef, the resolver's bundle parameter, and step images", () => {
    const result = parse(TEKTON);
    expect(result.occurrences.map((occurrence) => `${occurrence.line} ${occurrence.kind} ${occurrence.text}`)).toEqual([
      '10 tekton-bundle ghcr.io/acme/pipelines:1.3',
      '34 k8s-custom-resource aquasec/trivy:0.50.0',
      '25 tekton-bundle gcr.io/tekton-releases/catalog/upstream/git-clone:0.9'
    ]);
    expect(result.problems).toEqual([]);
  });

  test('both pinned in place, an alias kept', async () => {
    const cwd = await tempRepo({ 'argo/app.yaml': ARGO, 'tekton/run.yaml': TEKTON });
    const { occurrences } = await discover({ cwd, files: ['argo/*.yaml', 'tekton/*.yaml'] });
    const result = await pinFiles(cwd, occurrences, () => D);
    expect(result.skipped).toEqual([]);
    const argo = await readFile(join(cwd, 'argo/app.yaml'), 'utf8');
    expect(argo).toContain(`- "frontend=registry.example.com:5000/acme/frontend:1.4.0@${D}"\n`);
    expect(argo).toContain(`- ghcr.io/acme/guestbook:0.2@${D}\n`);
    expect(argo).toContain(`"acme/api-sidecar:2.0@${D}"`);
    const tekton = await readFile(join(cwd, 'tekton/run.yaml'), 'utf8');
    expect(tekton).toContain(`value: ghcr.io/acme/pipelines:1.3@${D}\n`);
    expect(tekton).toContain(`bundle: gcr.io/tekton-releases/catalog/upstream/git-clone:0.9@${D}\n`);
  });
});
