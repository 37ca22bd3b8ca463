import { kustomizeKind } from '../../src/discovery/kinds/kustomize.js';
import { scanKind } from './scan.js';
import { summary } from './spans.js';

const DIGEST = `sha256:${'b'.repeat(64)}`;
const KUSTOMIZATION = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - deployment.yaml
images:
  - name: nginx
    newTag: 1.27.0   # bumped by hand
  - name: app
    newName: ghcr.io/acme/app
    newTag: "2.3"
  - name: postgres
    digest: ${DIGEST}
  - name: redis
    newName: registry.example.com/cache/redis
  - {name: busybox, newTag: "1.36"}
`;

describe('kustomize images', () => {
  test('newName (else name) with newTag and digest; a rename alone names no reference', async () => {
    const result = await scanKind(kustomizeKind, 'overlays/prod/kustomization.yaml', KUSTOMIZATION);
    expect(summary(result)).toEqual(['6 nginx:1.27.0', '9 ghcr.io/acme/app:2.3', `11 postgres@${DIGEST}`, '15 busybox:1.36']);
    expect(result.occurrences.every((occurrence) => occurrence.kind === 'kustomize-image')).toBe(true);
  });

  test('each entry has a slot for its digest: after its last key, in its style, or its digest value', async () => {
    const result = await scanKind(kustomizeKind, 'kustomization.yaml', KUSTOMIZATION);
    expect(result.occurrences.map((occurrence) => occurrence.digestSlot)).toEqual([
      { span: { line: 7, column: 38, length: 0 }, from: '', prefix: '\n    digest: ' },
      { span: { line: 10, column: 18, length: 0 }, from: '', prefix: '\n    digest: ' },
      { span: { line: 12, column: 13, length: 71 }, from: DIGEST, prefix: '' },
      { span: { line: 15, column: 35, length: 0 }, from: '', prefix: ', digest: ' }
    ]);
    const crlf = await scanKind(kustomizeKind, 'kustomization.yaml', KUSTOMIZATION.replace(/\n/g, '\r\n'));
    expect(crlf.occurrences[0].digestSlot).toEqual({ span: { line: 7, column: 38, length: 0 }, from: '', prefix: '\r\n    digest: ' });
  });

  test('a newName carrying its own tag or digest is read, newTag and digest overriding it, and pinned where it is written', async () => {
    const content = `images:
  - name: postgres
    newName: awesome/postgres:11@${DIGEST}
  - name: cache
    newName: registry.example.com:5000/cache/redis:7.2
  - name: db
    newName: awesome/postgres@${DIGEST}
  - name: api
    newName: ghcr.io/acme/api:1.0
    newTag: "1.1"
  - name: localhost-only
    newName: localhost:5000/app
`;
    const result = await scanKind(kustomizeKind, 'kustomization.yaml', content);
    expect(summary(result)).toEqual([
      `3 awesome/postgres:11@${DIGEST} @3:14`,
      '5 registry.example.com:5000/cache/redis:7.2 @5:14',
      `7 awesome/postgres@${DIGEST} @7:14`,
      '9 ghcr.io/acme/api:1.1'
    ]);
    expect(result.occurrences[3].digestSlot).toEqual({ span: { line: 10, column: 18, length: 0 }, from: '', prefix: '\n    digest: ' });
  });

  test('odd shapes are ignored', async () => {
    for (const content of ['images: {nginx: 1}\n', 'images:\n  - nginx:1.25\n', 'images:\n  - newTag: "1"\n', '']) {
      expect(await scanKind(kustomizeKind, 'kustomization.yaml', content)).toEqual({ occurrences: [], problems: [] });
    }
  });
});
