import { chmod, lstat, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { discover } from '../../src/discovery/discover.js';
import type { ImageOccurrence } from '../../src/discovery/types.js';
import { pinFiles } from '../../src/pin/pin.js';
import { pinnedForm } from '../../src/pin/pinned-form.js';
import { tempRepo } from '../discovery/temp-repo.js';

const digestOf = (seed: string) => `sha256:${seed.repeat(64).slice(0, 64)}`;
const A = digestOf('a');
const B = digestOf('b');

/** Resolution as the lock command would give it: one digest per reference as written. */
const DIGESTS: Record<string, string> = {
  'golang:1.22-alpine': A,
  'gcr.io/distroless/static-debian12:nonroot': B,
  'docker.io/tonistiigi/xx:1.4.0': digestOf('c'),
  nginx: digestOf('d'),
  'postgres:16.3': digestOf('e'),
  'redis:7.2': digestOf('f'),
  'ghcr.io/acme/worker:2.1.0': digestOf('1'),
  'node:20-bookworm': digestOf('2'),
  'alpine:3.20': digestOf('3'),
  'busybox:1.36': digestOf('4'),
  'docker/dockerfile:1': digestOf('5'),
  [`nginx:1.27@${A}`]: B
};
const byText = (occurrence: ImageOccurrence) => DIGESTS[occurrence.text];

const DOCKERFILE = `# syntax=docker/dockerfile:1
ARG GO_IMAGE=golang:1.22-alpine
ARG RUNTIME="gcr.io/distroless/static-debian12:nonroot"
ARG VARIANT=slim
FROM \${GO_IMAGE} AS build
COPY --from=docker.io/tonistiigi/xx:1.4.0 / /
RUN go build -o /app .
FROM python:3.12-\${VARIANT} AS tools
FROM nginx AS web
FROM "$RUNTIME"
COPY --from=build /app /app
`;

const COMPOSE = `services:
  db:
    image: 'postgres:16.3'   # keep in step with prod
  cache:
    image: "redis:7.2"
  worker:
    image: \${WORKER_IMAGE:-ghcr.io/acme/worker:2.1.0}
  web:
    image: nginx:1.27@${A}
  unknown:
    image: ghcr.io/acme/unresolved:1
`;

const WORKFLOW = [
  'on: push',
  'jobs:',
  '  test:',
  '    runs-on: ubuntu-latest',
  '    container: node:20-bookworm',
  '    steps:',
  '      - uses: docker://alpine:3.20',
  '      - uses: "docker://busybox:1.36"',
  ''
].join('\r\n');

describe('pinnedForm', () => {
  test.each([
    ['nginx:1.25', `nginx:1.25@${A}`],
    ['nginx', `nginx:latest@${A}`],
    [`nginx:1.25@${B}`, `nginx:1.25@${A}`],
    [`nginx@${B}`, `nginx@${A}`],
    ['localhost:5000/team/app', `localhost:5000/team/app:latest@${A}`],
    ['docker.io/library/nginx:1.25', `docker.io/library/nginx:1.25@${A}`]
  ])('%s', (text, pinned) => {
    expect(pinnedForm(text, A)).toBe(pinned);
  });
});

describe('pinFiles', () => {
  async function pinRepo() {
    const cwd = await tempRepo({ Dockerfile: DOCKERFILE, 'compose.yaml': COMPOSE, '.github/workflows/ci.yml': WORKFLOW });
    const before = await discover({ cwd });
    const result = await pinFiles(cwd, before.occurrences, byText);
    const after = await discover({ cwd });
    return { cwd, before, result, after };
  }

  test('rewrites references in place, keeping quotes, comments and ARG indirection', async () => {
    const { cwd, result } = await pinRepo();
    expect(await readFile(join(cwd, 'Dockerfile'), 'utf8')).toBe(`# syntax=docker/dockerfile:1@${digestOf('5')}
ARG GO_IMAGE=golang:1.22-alpine@${A}
ARG RUNTIME="gcr.io/distroless/static-debian12:nonroot@${B}"
ARG VARIANT=slim
FROM \${GO_IMAGE} AS build
COPY --from=docker.io/tonistiigi/xx:1.4.0@${digestOf('c')} / /
RUN go build -o /app .
FROM python:3.12-\${VARIANT} AS tools
FROM nginx:latest@${digestOf('d')} AS web
FROM "$RUNTIME"
COPY --from=build /app /app
`);
    expect(await readFile(join(cwd, 'compose.yaml'), 'utf8')).toBe(`services:
  db:
    image: 'postgres:16.3@${digestOf('e')}'   # keep in step with prod
  cache:
    image: "redis:7.2@${digestOf('f')}"
  worker:
    image: \${WORKER_IMAGE:-ghcr.io/acme/worker:2.1.0@${digestOf('1')}}
  web:
    image: nginx:1.27@${B}
  unknown:
    image: ghcr.io/acme/unresolved:1
`);
    expect(result.rewritten.map((rewrite) => `${rewrite.file}:${rewrite.line} ${rewrite.from}`)).toEqual([
      '.github/workflows/ci.yml:5 node:20-bookworm',
      '.github/workflows/ci.yml:7 alpine:3.20',
      '.github/workflows/ci.yml:8 busybox:1.36',
      'Dockerfile:1 docker/dockerfile:1',
      'Dockerfile:2 golang:1.22-alpine',
      'Dockerfile:3 gcr.io/distroless/static-debian12:nonroot',
      'Dockerfile:6 docker.io/tonistiigi/xx:1.4.0',
      'Dockerfile:9 nginx',
      'compose.yaml:3 postgres:16.3',
      'compose.yaml:5 redis:7.2',
      'compose.yaml:7 ghcr.io/acme/worker:2.1.0',
      `compose.yaml:9 nginx:1.27@${A}`
    ]);
    expect(result.rewritten[4]).toEqual({ file: 'Dockerfile', line: 2, from: 'golang:1.22-alpine', to: `golang:1.22-alpine@${A}` });
  });

  test('reports what it cannot rewrite safely, with the reason', async () => {
    const { result } = await pinRepo();
    expect(result.skipped).toEqual([
      {
        file: 'Dockerfile',
        line: 8,
        text: 'python:3.12-slim',
        reason: 'its digest is not known (the reference was not resolved)'
      },
      {
        file: 'compose.yaml',
        line: 11,
        text: 'ghcr.io/acme/unresolved:1',
        reason: 'its digest is not known (the reference was not resolved)'
      }
    ]);
    const occurrence: ImageOccurrence = { file: 'Dockerfile', line: 8, text: 'python:3.12-slim', kind: 'dockerfile-from' };
    const { skipped } = await pinFiles('/nonexistent', [occurrence], () => A);
    expect(skipped[0].reason).toBe(
      `it is not written out literally in one place (built from variables, escaped or split); pin it by hand as python:3.12-slim@${A}`
    );
  });

  test('round trip: re-discovery finds the pinned references on the same lines; pinning again changes nothing', async () => {
    const { cwd, before, after } = await pinRepo();
    expect(after.occurrences.map((occurrence) => [occurrence.file, occurrence.line])).toEqual(
      before.occurrences.map((occurrence) => [occurrence.file, occurrence.line])
    );
    for (const [i, occurrence] of after.occurrences.entries()) {
      const digest = byText(before.occurrences[i]);
      expect(occurrence.text).toBe(digest ? pinnedForm(before.occurrences[i].text, digest) : before.occurrences[i].text);
    }
    const again = await pinFiles(cwd, after.occurrences, (occurrence) => occurrence.text.split('@')[1]);
    expect(again.rewritten).toEqual([]);
  });

  test('keeps CRLF line endings', async () => {
    const { cwd } = await pinRepo();
    const workflow = await readFile(join(cwd, '.github/workflows/ci.yml'), 'utf8');
    expect(workflow.split('\r\n')).toHaveLength(WORKFLOW.split('\r\n').length);
    expect(workflow.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(workflow).toContain(`      - uses: "docker://busybox:1.36@${digestOf('4')}"\r\n`);
  });

  test('a file changed since it was scanned is left alone and reported', async () => {
    const cwd = await tempRepo({ 'compose.yaml': COMPOSE });
    const { occurrences } = await discover({ cwd });
    const edited = COMPOSE.replace("'postgres:16.3'", "'postgres:16.4'");
    await writeFile(join(cwd, 'compose.yaml'), edited);
    const result = await pinFiles(cwd, occurrences, byText);
    expect(result.rewritten).toEqual([]);
    expect(new Set(result.skipped.map((skip) => skip.reason))).toEqual(
      new Set(['the file changed since it was scanned', 'its digest is not known (the reference was not resolved)'])
    );
    expect(await readFile(join(cwd, 'compose.yaml'), 'utf8')).toBe(edited);
  });

  test('an ARG default shared by references resolved to different digests is not guessed', async () => {
    const cwd = await tempRepo({
      Dockerfile: 'ARG BASE=alpine:3.20\nFROM --platform=linux/amd64 $BASE AS a\nFROM --platform=linux/arm64 $BASE AS b\n'
    });
    const { occurrences } = await discover({ cwd });
    const result = await pinFiles(cwd, occurrences, (occurrence) => (occurrence.line === 2 ? A : B));
    expect(result.rewritten).toEqual([]);
    expect(result.skipped.map((skip) => [skip.line, skip.reason])).toEqual([
      [2, 'where it is written is shared with references resolved to other digests'],
      [3, 'where it is written is shared with references resolved to other digests']
    ]);
    const same = await pinFiles(cwd, occurrences, () => A);
    expect(same.rewritten).toEqual([{ file: 'Dockerfile', line: 1, from: 'alpine:3.20', to: `alpine:3.20@${A}` }]);
    // Already pinned to one digest, resolved to another for the second stage: still a conflict.
    const pinned = (await discover({ cwd })).occurrences;
    const again = await pinFiles(cwd, pinned, (occurrence) => (occurrence.line === 2 ? A : B));
    expect(again.rewritten).toEqual([]);
    expect(again.skipped).toHaveLength(2);
  });

  test('an invalid digest is reported, never written', async () => {
    const cwd = await tempRepo({ Dockerfile: 'FROM alpine:3.20\n' });
    const { occurrences } = await discover({ cwd });
    const result = await pinFiles(cwd, occurrences, () => 'sha256:nothex');
    expect(result.skipped[0].reason).toBe('invalid digest "sha256:nothex"');
    expect(await readFile(join(cwd, 'Dockerfile'), 'utf8')).toBe('FROM alpine:3.20\n');
  });

  test('keeps the file mode, and writes through a symbolic link', async () => {
    const cwd = await tempRepo({ 'real/Dockerfile': 'FROM alpine:3.20\n' });
    await chmod(join(cwd, 'real/Dockerfile'), 0o755);
    await symlink('real/Dockerfile', join(cwd, 'Dockerfile'));
    const { occurrences } = await discover({ cwd, files: ['Dockerfile'] });
    await pinFiles(cwd, occurrences, () => A);
    expect((await lstat(join(cwd, 'Dockerfile'))).isSymbolicLink()).toBe(true);
    expect(await readFile(join(cwd, 'real/Dockerfile'), 'utf8')).toBe(`FROM alpine:3.20@${A}\n`);
    expect((await stat(join(cwd, 'real/Dockerfile'))).mode & 0o777).toBe(0o755);
  });

  test('property: any compose file of pinnable references round-trips, whatever the quoting and line endings', async () => {
    const reference = fc.constantFrom('nginx', 'nginx:1.25', 'ghcr.io/acme/app:2', 'localhost:5000/x:1', `redis:7@${B}`);
    const quoted = fc.tuple(reference, fc.constantFrom('', '"', "'"), fc.constantFrom('', '  # note')).map(([text, quote, comment]) => ({
      text,
      written: `${quote}${text}${quote}${comment}`
    }));
    await fc.assert(
      fc.asyncProperty(fc.array(quoted, { minLength: 1, maxLength: 6 }), fc.constantFrom('\n', '\r\n'), async (images, newline) => {
        const content = ['services:', ...images.map((image, i) => `  s${i}:\n    image: ${image.written}`), '']
          .join('\n')
          .replace(/\n/g, newline);
        const cwd = await tempRepo({ 'compose.yaml': content });
        const before = await discover({ cwd });
        const result = await pinFiles(cwd, before.occurrences, () => A);
        expect(result.skipped).toEqual([]);
        const after = await discover({ cwd });
        expect(after.occurrences.map((occurrence) => [occurrence.line, occurrence.text])).toEqual(
          images.map((image, i) => [3 + 2 * i, pinnedForm(image.text, A)])
        );
        const pinned = await readFile(join(cwd, 'compose.yaml'), 'utf8');
        // Only the references changed: removing the digests gives the original back.
        expect(pinned.replace(new RegExp(`@${A}`, 'g'), '').replace(/:latest(?=["'\s])/g, '')).toBe(
          content.replace(new RegExp(`@${B}`, 'g'), '')
        );
      }),
      { numRuns: 40 }
    );
  });
});
