import { SourceFile } from '../../src/discovery/file-kind.js';
import { composeKind, scanCompose } from '../../src/discovery/kinds/compose.js';
import { scanKind } from './scan.js';
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

  test('build.additional_contexts with docker-image:// are references, in map and list form; other contexts are not', () => {
    const result = parse(`services:
  app:
    build:
      context: .
      additional_contexts:
        base: docker-image://alpine:3.20
        src: ../src
        tools: "docker-image://\${TOOLS:-ghcr.io/acme/tools:1.2}"
  worker:
    build:
      context: worker
      additional_contexts:
        - base=docker-image://debian:12-slim
        - cache=target:app
`);
    expect(summary(result)).toEqual(['6 alpine:3.20 @6:30', '8 ghcr.io/acme/tools:1.2 @8:41', '13 debian:12-slim @13:31']);
    expect(new Set(result.occurrences.map((occurrence) => occurrence.kind))).toEqual(new Set(['compose-additional-context']));
  });

  test('include: and extends: name the files to scan next, relative to this one; remote ones are not followed', () => {
    const { follow } = scanCompose(
      new SourceFile(
        'deploy/compose.yaml',
        `include:
  - ../common/db.yaml
  - path: [monitoring.yaml, monitoring.override.yaml]
    project_directory: ..
  - oci://registry.example.com/stack:1
services:
  web:
    extends:
      file: base/web.yaml
      service: web
  other:
    extends: web
  outside:
    extends: {file: ../../elsewhere.yaml, service: x}
`
      )
    );
    expect(follow).toEqual(['deploy/base/web.yaml', 'common/db.yaml', 'deploy/monitoring.yaml', 'deploy/monitoring.override.yaml']);
  });
});

describe('compose files in their repository', () => {
  test('.env of the project directory fills variables; the environment wins over it', async () => {
    const files = { 'deploy/.env': '# versions\nPG_TAG=16.3\nexport REDIS="7.2"\nNGINX=1.25 # pinned later\n' };
    const content =
      'services:\n  db:\n    image: postgres:${PG_TAG:-15}\n  cache:\n    image: redis:${REDIS}\n  web:\n    image: nginx:${NGINX}\n';
    expect(summary(await scanKind(composeKind, 'deploy/compose.yaml', content, files))).toEqual([
      '3 postgres:16.3',
      '5 redis:7.2',
      '7 nginx:1.25'
    ]);
    expect(summary(await scanKind(composeKind, 'deploy/compose.yaml', content, files, { PG_TAG: '14' }))).toEqual([
      '3 postgres:14',
      '5 redis:7.2',
      '7 nginx:1.25'
    ]);
    // Without .env, the defaults apply.
    expect(summary(await scanKind(composeKind, 'compose.yaml', content, files))[0]).toBe('3 postgres:15');
  });

  test('.env values are interpolated as Compose does: quoted "..." and bare ones, not \'...\'; earlier keys seen, the environment first', async () => {
    const files = {
      '.env': [
        'IMAGE_NAME="${IMAGE_NAME:-backend}"',
        'IMAGE_TAG=${IMAGE_TAG:-latest}',
        'REGISTRY=registry.example.com',
        'FULL=$REGISTRY/${IMAGE_NAME}',
        "RAW='${REGISTRY}/raw'",
        'PORT=${UNSET_PORT:-8080}'
      ].join('\n')
    };
    const content =
      'services:\n  api:\n    image: ${IMAGE_NAME:-x}:${IMAGE_TAG:-latest}\n  full:\n    image: ${FULL}:1\n  raw:\n    image: ${RAW}:1\n';
    const found = await scanKind(composeKind, 'compose.yaml', content, files);
    expect(summary(found).slice(0, 2)).toEqual(['3 backend:latest', '5 registry.example.com/backend:1']);
    // Single quotes keep `${REGISTRY}` as written: not a valid reference, reported on its line.
    expect(found.problems.map((problem) => problem.line)).toEqual([7]);
    // The process environment wins over the .env file, inside its values too.
    const withEnv = await scanKind(composeKind, 'compose.yaml', content, files, { IMAGE_NAME: 'frontend', REGISTRY: 'r.example.org' });
    expect(summary(withEnv).slice(0, 2)).toEqual(['3 frontend:latest', '5 r.example.org/frontend:1']);
  });
});

describe('compose files discovery cannot read whole', () => {
  test('the version-1 layout (services at the top level) is a warning naming why, on the first service', async () => {
    const content = 'web:\n  image: nginx:1.25\n  ports: ["80:80"]\ndb:\n  image: postgres:9.6\n';
    const result = await scanKind(composeKind, 'docker-compose.yml', content);
    expect(result.occurrences).toEqual([]);
    expect(result.problems).toEqual([
      { file: 'docker-compose.yml', line: 2, message: expect.stringMatching(/^not read: a compose file in the version-1 layout/) }
    ]);
    // A file with `services:` (any version) and one with only top-level extension fields are not that.
    expect((await scanKind(composeKind, 'compose.yaml', 'version: "2"\nservices:\n  a:\n    image: redis:7\n')).problems).toEqual([]);
    expect((await scanKind(composeKind, 'compose.yaml', 'x-common:\n  restart: always\n')).problems).toEqual([]);
  });

  test('template lines ({% %}, {{ }}) are left out with a warning; the lines around them are read, with their spans', async () => {
    const content = [
      'services:',
      '  django:',
      '    image: {{ cookiecutter.project_slug }}_django',
      "{%- if cookiecutter.use_celery == 'y' %}",
      '  redis:',
      '    image: docker.io/redis:6',
      '{%- endif %}',
      '  postgres:',
      '    image: postgres:16',
      ''
    ].join('\n');
    const result = await scanKind(composeKind, 'docker-compose.yml', content);
    expect(summary(result)).toEqual(['6 docker.io/redis:6 @6:12', '9 postgres:16 @9:12']);
    expect(result.problems.map((problem) => `${problem.line} ${problem.message}`)).toEqual([
      '3 template syntax ({{ }}, {% %}) on 3 lines left out; the rest is read',
      '3 cannot resolve the template in "{{ cookiecutter.project_slug }}_django"'
    ]);
  });
});

test('template expressions in keys and statement tags inside lines are read past, columns kept', async () => {
  const content = [
    'volumes:',
    '  {{ cookiecutter.slug }}_data: {}',
    "  {% if cookiecutter.redis == 'y' %}{{ cookiecutter.slug }}_redis: {}{% endif %}",
    'services:',
    "  django:{% if cookiecutter.celery == 'y' %} &django{% endif %}",
    '    image: ghcr.io/acme/django:5.1',
    '  mailpit:',
    '    image: docker.io/axllent/mailpit:v1.21',
    ''
  ].join('\n');
  const result = await scanKind(composeKind, 'docker-compose.yml', content);
  expect(summary(result)).toEqual(['6 ghcr.io/acme/django:5.1 @6:12', '8 docker.io/axllent/mailpit:v1.21 @8:12']);
  expect(result.problems.map((problem) => problem.message)).toEqual([
    'template syntax ({{ }}, {% %}) on 3 lines left out; the rest is read'
  ]);
});
