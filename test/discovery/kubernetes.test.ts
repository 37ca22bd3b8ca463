import { SourceFile } from '../../src/discovery/file-kind.js';
import { parseKubernetes } from '../../src/discovery/kinds/kubernetes.js';
import { expectSpansHoldText, summary } from './spans.js';

function parse(content: string) {
  const result = parseKubernetes(new SourceFile('k8s/app.yaml', content));
  expectSpansHoldText(content, result);
  return result;
}

const MANIFESTS = `# The shop, as deployed.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  template:
    spec:
      initContainers:
        - name: migrate
          image: ghcr.io/acme/migrate:1.4.2
      containers:
        - name: web
          image: "nginx:1.27-alpine"
          ports: [{containerPort: 80}]
        - name: exporter
          image: nginx/nginx-prometheus-exporter:1.1.0
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: report
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - {name: report, image: 'ghcr.io/acme/report:2.0'}
          restartPolicy: OnFailure
---
apiVersion: v1
kind: Pod
metadata:
  name: debug
spec:
  containers:
    - name: app
      image: busybox
  ephemeralContainers:
    - name: debugger
      image: busybox:1.36
---
---
apiVersion: apps/v1
kind: StatefulSet
spec:
  template:
    spec:
      containers: [{name: db, image: postgres:16.3}]
---
apiVersion: apps/v1
kind: DaemonSet
spec:
  template: {spec: {containers: [{name: agent, image: datadog/agent:7}]}}
---
apiVersion: apps/v1
kind: ReplicaSet
spec:
  template: {spec: {containers: [{name: rs, image: registry.k8s.io/pause:3.9}]}}
---
apiVersion: batch/v1
kind: Job
spec:
  template: {spec: {containers: [{name: job, image: "localhost:5000/acme/job:1"}]}}
---
apiVersion: v1
kind: ConfigMap
data:
  image: not-an-image-field:1
`;

describe('parseKubernetes', () => {
  test('finds the containers of each workload kind, across documents', () => {
    const result = parse(MANIFESTS);
    expect(summary(result)).toEqual([
      '12 ghcr.io/acme/migrate:1.4.2 @12:18',
      '15 nginx:1.27-alpine @15:19',
      '18 nginx/nginx-prometheus-exporter:1.1.0 @18:18',
      '38 ghcr.io/acme/report:2.0 @38:38',
      '48 busybox @48:14',
      '51 busybox:1.36 @51:14',
      '59 postgres:16.3 @59:38',
      '64 datadog/agent:7 @64:55',
      '69 registry.k8s.io/pause:3.9 @69:52',
      '74 localhost:5000/acme/job:1 @74:54'
    ]);
    expect(result.problems).toEqual([]);
  });

  test('an invalid document is a problem; the others are still read', () => {
    const result = parse(
      'apiVersion: v1\nkind: Pod\nspec:\n  containers: [{image: alpine:3.20}]\n---\nkind: [\n---\napiVersion: v1\nkind: Pod\nspec: {containers: [{image: Bad/Image}]}\n'
    );
    expect(summary(result)).toEqual(['4 alpine:3.20 @4:24']);
    expect(result.problems.map((problem) => problem.line)).toEqual([expect.any(Number), 10]);
    expect(result.problems[0].message).toMatch(/^invalid YAML/);
    expect(result.problems[1].message).toMatch(/invalid image reference "Bad\/Image"/);
  });

  test('CRLF files give the same lines and columns', () => {
    expect(parse(MANIFESTS.replace(/\n/g, '\r\n'))).toEqual(parse(MANIFESTS));
  });

  test('ReplicationController, PodTemplate, kind: List items and image volumes', () => {
    const result = parse(`apiVersion: v1
kind: ReplicationController
metadata: {name: legacy}
spec:
  replicas: 1
  template:
    spec:
      containers:
        - name: app
          image: redis:6.2
---
apiVersion: v1
kind: PodTemplate
template:
  spec:
    containers: [{name: t, image: busybox:1.36}]
---
apiVersion: v1
kind: List
items:
  - apiVersion: apps/v1
    kind: Deployment
    spec:
      template:
        spec:
          containers:
            - name: web
              image: nginx:1.27
          volumes:
            - name: models
              image:
                reference: ghcr.io/acme/models:2024.1
                pullPolicy: IfNotPresent
            - name: cache
              emptyDir: {}
  - apiVersion: v1
    kind: Pod
    spec: {containers: [{name: p, image: alpine:3.20}]}
`);
    expect(summary(result)).toEqual([
      '10 redis:6.2 @10:18',
      '16 busybox:1.36 @16:35',
      '28 nginx:1.27 @28:22',
      '32 ghcr.io/acme/models:2024.1 @32:28',
      '38 alpine:3.20 @38:42'
    ]);
    expect(result.occurrences.map((occurrence) => occurrence.kind)).toEqual([
      'k8s-container',
      'k8s-container',
      'k8s-container',
      'k8s-image-volume',
      'k8s-container'
    ]);
  });

  test('custom resources: every string image field; templated ones are reported; built-in kinds are not walked', () => {
    const result = parse(`apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: hello-}
spec:
  entrypoint: main
  templates:
    - name: main
      steps:
        - - name: say
            template: say
    - name: say
      container:
        image: docker/whalesay:latest
        command: [cowsay]
    - name: script
      script:
        image: "python:3.12-alpine"
        source: print(1)
    - name: param
      container:
        image: "{{inputs.parameters.image}}"
---
apiVersion: tekton.dev/v1
kind: Task
spec:
  params:
    - name: builder
      default: gcr.io/kaniko-project/executor:v1.23.0
  steps:
    - name: build
      image: $(params.builder)
    - name: test
      image: golang:1.22
---
apiVersion: v1
kind: ConfigMap
data:
  image: not-an-image-field:1
---
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
spec:
  image: quay.io/prometheus/prometheus:v2.53.0
  thanos:
    image: {repository: x}
`);
    expect(summary(result)).toEqual([
      '13 docker/whalesay:latest @13:16',
      '17 python:3.12-alpine @17:17',
      '33 golang:1.22 @33:14',
      '43 quay.io/prometheus/prometheus:v2.53.0 @43:10'
    ]);
    expect(new Set(result.occurrences.map((occurrence) => occurrence.kind))).toEqual(new Set(['k8s-custom-resource']));
    expect(result.problems).toEqual([
      { file: 'k8s/app.yaml', line: 21, message: 'cannot resolve the template in "{{inputs.parameters.image}}"' },
      { file: 'k8s/app.yaml', line: 31, message: 'cannot resolve the template in "$(params.builder)"' }
    ]);
  });

  test('documents kubectl accepts with flow scalars continued at a shallow indent are read, not rejected', () => {
    const content = `apiVersion: apps/v1
kind: Deployment
metadata:
  annotations:
    description: "runs the worker,
    and its sidecar"
spec:
  template:
    spec:
      containers:
        - name: worker
          image: ghcr.io/acme/worker:3.2
          command: ["sh", "-c",
          "exec worker --queue=default"]
          env: [{name: A, value: "1"},
          {name: B, value: "2"}]
        - name: sidecar
          args: [
          --verbose]
          image: "busybox:1.36"
          script: |
            echo "[unbalanced
`;
    const result = parse(content);
    expect(result.problems).toEqual([]);
    expect(summary(result)).toEqual(['12 ghcr.io/acme/worker:3.2 @12:18', '20 busybox:1.36 @20:19']);
  });
});

test('after a document the parser refuses, lines stay right (the parser folds a newline of `!!str ---` into its token)', () => {
  const content =
    '!!str ---\nkind: Pod\n]  x: 1\n---\napiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - {name: c, image: nginx:1.27}\n';
  expect(summary(parse(content))).toEqual(['9 nginx:1.27 @9:24']);
});
