import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadTestEnv } from '../env/env.js';
import { cli, workspace } from './helpers.js';
import { pushOwnImage } from './own-images.js';

const env = loadTestEnv();
const host = env.registries.anonymous.host;
const ref = (name: string) => `${host}/pin-cli/${name}`;
const digests: Record<string, string> = {};
const pinned = (name: string) => `${ref(name)}@${digests[name]}`;

beforeAll(async () => {
  for (const name of [
    'dockerfile:1',
    'golang:1.22-alpine',
    'distroless:nonroot',
    'xx:1.4.0',
    'alpine:3.20',
    'postgres:16.3',
    'redis:7.2',
    'worker:2.1.0',
    'node:20-bookworm'
  ]) {
    const [repo, tag] = name.split(':') as [string, string];
    digests[name] = await pushOwnImage(`pin-cli/${repo}`, tag);
  }
});

// In the style of the official images: parser directive, ARG defaults, a cross-compile
// helper, cache mounts, a stage built from a variable it cannot pin in place. The frontend
// named by the directive is an image too, pinned like the rest.
const dockerfile = (image: (name: string) => string) => `# syntax=${image('dockerfile:1')}
ARG GO_IMAGE=${image('golang:1.22-alpine')}
ARG RUNTIME="${image('distroless:nonroot')}"
ARG ALPINE_VERSION=3.20

FROM --platform=$BUILDPLATFORM \${GO_IMAGE} AS build
COPY --from=${image('xx:1.4.0')} / /
RUN --mount=type=cache,target=/root/.cache/go-build \\
    go build -o /out/app ./cmd/app

FROM ${ref('alpine')}:\${ALPINE_VERSION} AS certs
RUN apk add --no-cache ca-certificates

FROM "$RUNTIME"
COPY --from=build /out/app /app
COPY --from=certs /etc/ssl/certs /etc/ssl/certs
ENTRYPOINT ["/app"]
`;

const compose = (image: (name: string) => string) => `services:
  db:
    image: '${image('postgres:16.3')}'   # keep in step with production
  cache:
    image: "${image('redis:7.2')}"
  worker:
    image: \${WORKER_IMAGE:-${image('worker:2.1.0')}}
    depends_on: [db, cache]
`;

const workflow = (image: (name: string) => string) =>
  [
    'on: pull_request',
    'jobs:',
    '  test:',
    '    runs-on: ubuntu-latest',
    `    container: ${image('node:20-bookworm')}`,
    '    services:',
    '      redis:',
    `        image: ${image('redis:7.2')}`,
    '    steps:',
    `      - uses: "docker://${image('alpine:3.20')}"   # a step in a container`,
    ''
  ].join('\r\n');

const files = (image: (name: string) => string) => ({
  Dockerfile: dockerfile(image),
  'deploy/compose.yaml': compose(image),
  '.github/workflows/ci.yml': workflow(image)
});

async function read(dir: string, paths: string[]): Promise<Record<string, string>> {
  return Object.fromEntries(await Promise.all(paths.map(async (path) => [path, await readFile(join(dir, path), 'utf8')] as const)));
}

describe('image-lock pin', () => {
  test('rewrites a multi-stage Dockerfile, a compose file and a workflow in place; verify then passes; a second pin changes nothing', async () => {
    const dir = await workspace(files(ref));
    const result = await cli(dir, 'pin');
    expect(result.code).toBe(0);

    // Quotes, comments, indentation and CRLF stay; only the references change.
    const expected = files(pinned);
    expect(await read(dir, Object.keys(expected))).toEqual(expected);
    expect(result.stdout).toContain(`pinned Dockerfile:2 ${ref('golang:1.22-alpine')} -> ${pinned('golang:1.22-alpine')}`);
    expect(result.stdout).toContain(`pinned .github/workflows/ci.yml:10 ${ref('alpine:3.20')} -> ${pinned('alpine:3.20')}`);
    // Built from a variable: reported on its line with the form to write, not guessed.
    expect(result.stderr).toContain(`Dockerfile:11: warning: ${ref('alpine:3.20')} was not pinned: it is not written out literally`);
    expect(result.stderr).toContain(`pin it by hand as ${pinned('alpine:3.20')}`);

    // The lockfile holds the references as they now stand: pinned forms, and the one left as it was.
    const lockfile = JSON.parse(await readFile(join(dir, 'image-lock.json'), 'utf8'));
    const names = [
      'alpine:3.20',
      'dockerfile:1',
      'distroless:nonroot',
      'golang:1.22-alpine',
      'node:20-bookworm',
      'postgres:16.3',
      'redis:7.2',
      'worker:2.1.0',
      'xx:1.4.0'
    ];
    expect(Object.keys(lockfile.images).sort()).toEqual([...names.map(pinned), ref('alpine:3.20')].sort());
    expect(lockfile.images[pinned('redis:7.2')]).toMatchObject({
      digest: digests['redis:7.2'],
      sources: ['.github/workflows/ci.yml', 'deploy/compose.yaml']
    });
    expect(Object.keys(lockfile.images[pinned('redis:7.2')].platforms)).toEqual(['linux/amd64', 'linux/arm64/v8']);

    const verified = await cli(dir, 'verify', '--json');
    expect(verified.code).toBe(0);
    // One HEAD per tag, pinned ones included (drift since the pin): 9 tags, alpine:3.20 once for both its forms.
    expect(JSON.parse(verified.stdout).requests).toMatchObject({ manifestGet: 0, manifestHead: 9 });

    const before = await read(dir, [...Object.keys(expected), 'image-lock.json']);
    const again = await cli(dir, 'pin', '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ changed: false, rewritten: [] });
    expect(await read(dir, Object.keys(before))).toEqual(before);
  });

  test('after lock, the summary of a pin shows each pinned reference against what its tag was locked to', async () => {
    const dir = await workspace({ Dockerfile: `FROM ${ref('postgres:16.3')}\n` });
    await cli(dir, 'lock');
    const report = JSON.parse((await cli(dir, 'pin', '--json')).stdout);
    expect(report).toMatchObject({ changed: true, removed: [ref('postgres:16.3')] });
    expect(report.images).toEqual([
      expect.objectContaining({
        reference: pinned('postgres:16.3'),
        digest: digests['postgres:16.3'],
        previousDigest: digests['postgres:16.3']
      })
    ]);
  });

  test('a policy error still fails (exit 1) once the files are pinned', async () => {
    const dir = await workspace({ Dockerfile: `FROM ${ref('redis:7.2')}\n` });
    expect((await cli(dir, 'pin', '--mutable', 'error')).code).toBe(0);
    const latest = await workspace({ 'compose.yaml': `services:\n  app:\n    image: ${ref('redis')}\n` });
    await pushOwnImage('pin-cli/redis', 'latest');
    const result = await cli(latest, 'pin', '--latest', 'error');
    expect(result.code).toBe(1);
    expect(await readFile(join(latest, 'compose.yaml'), 'utf8')).toContain(`image: ${ref('redis')}:latest@sha256:`);
  });
});
