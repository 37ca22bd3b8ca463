import { SourceFile } from '../../src/discovery/file-kind.js';
import { scanCompose } from '../../src/discovery/kinds/compose.js';
import { expectSpansHoldText, summary } from './spans.js';

function parse(content: string, env?: Record<string, string>) {
  const { follow: _follow, ...result } = scanCompose(new SourceFile('deploy/compose.yaml', content), (name) => env?.[name]);
  expectSpansHoldText(content, result);
  return result;
}

const COMPOSE = `name: shop
x-logging: &logging
  logging:
    driver: json-file
x-cache: &cache
  image: "redis:7.2-alpine"   # shared by the cache services
  restart: unless-stopped

services:
  web:
    image: nginx:\${NGINX_TAG:-1.27}
    ports: ["8080:80"]
  api:
    image: \${REGISTRY-ghcr.io/acme}/api:\${API_TAG:?set API_TAG}
  db:
    image: 'postgres:16.3'
    environment:
      POSTGRES_PASSWORD: $$not-interpolated
  cache:
    <<: [*cache, *logging]
  sessions:
    <<: *cache
    image: valkey/valkey:8.0
  worker:
    image: \${WORKER_IMAGE:-ghcr.io/acme/worker:2.1.0}
  local:
    build: .
    image: acme/local:dev
  price:
    image: acme/price:$\${TAG}
  jobs:
    image: >-
      ghcr.io/acme/jobs:1.0
`;

describe('parseCompose', () => {
  test('finds service images, interpolating with defaults', () => {
    const result = parse(COMPOSE);
    expect(summary(result)).toEqual([
      '11 nginx:1.27',
      '16 postgres:16.3 @16:13',
      '6 redis:7.2-alpine @6:11',
      '23 valkey/valkey:8.0 @23:12',
      '25 ghcr.io/acme/worker:2.1.0 @25:28',
      '32 ghcr.io/acme/jobs:1.0'
    ]);
    expect(result.problems.map((problem) => [problem.line, problem.message])).toEqual([
      [14, 'cannot expand "${REGISTRY-ghcr.io/acme}/api:${API_TAG:?set API_TAG}": API_TAG is required: set API_TAG'],
      [30, 'invalid image reference "acme/price:${TAG}": invalid tag "${TAG}"']
    ]);
    expect(result.occurrences.every((occurrence) => occurrence.kind === 'compose-image')).toBe(true);
  });

  test('takes values from the environment given; a value from there is not rewritable', () => {
    const result = parse(COMPOSE, { NGINX_TAG: '1.26', API_TAG: '3.1', REGISTRY: '', WORKER_IMAGE: 'ghcr.io/acme/worker:edge' });
    expect(summary(result)).toEqual(expect.arrayContaining(['11 nginx:1.26', '25 ghcr.io/acme/worker:edge']));
    // `-` (no colon) keeps an empty value: the registry part is empty, which is invalid.
    expect(result.problems.map((problem) => problem.message)).toContain('invalid image reference "/api:3.1": invalid reference format');
  });

  test('plain $VAR and ${VAR} need a value', () => {
    const result = parse('services:\n  app:\n    image: $IMAGE\n  other:\n    image: ${IMAGE}\n', { IMAGE: 'busybox:1.36' });
    expect(summary(result)).toEqual(['3 busybox:1.36', '5 busybox:1.36']);
    expect(parse('services:\n  app:\n    image: $IMAGE\n').problems[0].message).toBe('cannot expand "$IMAGE": IMAGE has no value');
  });

  test('invalid YAML is a problem, not a crash', () => {
    const result = parse('services:\n  a:\n    image: [unclosed\n');
    expect(result.occurrences).toEqual([]);
    expect(result.problems[0]).toMatchObject({ file: 'deploy/compose.yaml', line: expect.any(Number) });
    expect(result.problems[0].message).toMatch(/^invalid YAML: /);
  });

  test('self-referencing merge keys and aliases do not loop', () => {
    const result = parse('x: &x\n  <<: *x\n  image: alpine:3.20\nservices:\n  a: &a\n    <<: [*x, *x]\n  b: *a\n');
    expect(summary(result)).toEqual(['3 alpine:3.20 @3:10', '3 alpine:3.20 @3:10']);
  });

  test('CRLF files give the same lines and columns', () => {
    expect(parse(COMPOSE.replace(/\n/g, '\r\n'))).toEqual(parse(COMPOSE));
  });

  test('files without services have nothing', () => {
    expect(parse('')).toEqual({ occurrences: [], problems: [] });
    expect(parse('version: "3"\n')).toEqual({ occurrences: [], problems: [] });
    expect(parse('services: [1, 2]\n')).toEqual({ occurrences: [], problems: [] });
  });
});
