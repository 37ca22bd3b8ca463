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
});
