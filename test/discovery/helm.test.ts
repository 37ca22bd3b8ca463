import { helmValuesKind } from '../../src/discovery/kinds/helm.js';
import { scanKind } from './scan.js';
import { summary } from './spans.js';

const CHART = 'apiVersion: v2\nname: shop\nversion: 0.3.0\nappVersion: "2.4.1"\n';

// The layouts charts use: a registry/repository/tag/digest map (with an empty digest to fill),
// `helm create`'s repository + empty tag (the chart's appVersion), whole strings, nested images.
const VALUES = `## Global settings
global:
  imageRegistry: ""
image:
  registry: docker.io
  repository: acme/shop
  tag: 1.8.0
  digest: ""
  pullPolicy: IfNotPresent
api:
  image:
    repository: ghcr.io/acme/api
    tag: ""
    pullPolicy: Always
metrics:
  enabled: false
  image:
    registry: quay.io
    repository: prometheus/statsd-exporter
    tag: v0.26.1
    digest: sha256:${'a'.repeat(64)}
sidecarImage: "docker.io/library/busybox:1.36"
git:
  registry: docker.io
  repository: acme/git
  tag: 2.45
  digest:
initContainer:
  image: ""
chartRepository:
  repository: https://charts.example.com
extraEnv: []
`;

const scan = (content: string, files: Record<string, string> = { 'charts/shop/Chart.yaml': CHART }) =>
  scanKind(helmValuesKind, 'charts/shop/values.yaml', content, files);

describe('Helm values files', () => {
  test('joins image maps, reads whole strings, takes appVersion for an empty tag', async () => {
    const result = await scan(VALUES);
    expect(summary(result)).toEqual([
      '6 docker.io/acme/shop:1.8.0',
      '12 ghcr.io/acme/api:2.4.1',
      `19 quay.io/prometheus/statsd-exporter:v0.26.1@sha256:${'a'.repeat(64)}`,
      '22 docker.io/library/busybox:1.36 @22:16',
      '25 docker.io/acme/git:2.45'
    ]);
    expect(result.occurrences.every((occurrence) => occurrence.kind === 'helm-values')).toBe(true);
    expect(result.problems).toEqual([]);
  });

  test('a map with a digest key has a slot for it; one without is reported as not pinnable', async () => {
    const result = await scan(VALUES);
    const [shop, api, metrics, , git] = result.occurrences;
    expect(shop.digestSlot).toEqual({ span: { line: 8, column: 12, length: 0 }, from: '', prefix: '' });
    expect(api.digestSlot).toBeUndefined();
    expect(api.unpinnable).toMatch(/no digest key/);
    expect(metrics.digestSlot).toEqual({ span: { line: 21, column: 13, length: 71 }, from: `sha256:${'a'.repeat(64)}`, prefix: '' });
    expect(git.digestSlot).toEqual({ span: { line: 27, column: 10, length: 0 }, from: '', prefix: ' ' });
  });

  test("a map's version or sha keys are read; one naming no tag is not resolvable, never latest", async () => {
    const values = `coreImage:
  registry: docker.io
  repository: bitnami/postgresql
  version: 16.4.0
hashedImage:
  repository: acme/hashed
  sha: ${'c'.repeat(64)}
bare:
  image:
    repository: acme/bare
    pullPolicy: IfNotPresent
`;
    const result = await scan(values, { 'charts/shop/Chart.yaml': 'apiVersion: v2\nname: shop\nversion: 0.1.0\n' });
    expect(summary(result)).toEqual(['3 docker.io/bitnami/postgresql:16.4.0', `6 acme/hashed@sha256:${'c'.repeat(64)}`]);
    expect(result.problems).toEqual([
      {
        file: 'charts/shop/values.yaml',
        line: 10,
        message: '"acme/bare" names no tag or digest here (its chart\'s template picks one): not resolvable'
      }
    ]);
  });

  test('templated values are reported, not taken as invalid references', async () => {
    const result = await scan(
      'image:\n  repository: "{{ .Values.global.registry }}/app"\n  tag: 1\nworker:\n  image: "{{ .Values.image }}"\n'
    );
    expect(result.occurrences).toEqual([]);
    expect(result.problems.map((problem) => problem.line)).toEqual([2, 5]);
  });

  test('only values files beside a Chart.yaml are Helm values', async () => {
    const repository = (files: string[]) => ({
      env: {},
      readText: () => Promise.resolve(undefined),
      hasFile: (path: string) => Promise.resolve(files.includes(path))
    });
    expect(await helmValuesKind.matchesPath('charts/shop/values.yaml', repository(['charts/shop/Chart.yaml']))).toBe(true);
    expect(await helmValuesKind.matchesPath('charts/shop/values-prod.yml', repository(['charts/shop/Chart.yaml']))).toBe(true);
    expect(await helmValuesKind.matchesPath('config/values.yaml', repository(['charts/shop/Chart.yaml']))).toBe(false);
    expect(await helmValuesKind.matchesPath('values.yaml', repository(['Chart.yaml']))).toBe(true);
  });
});
