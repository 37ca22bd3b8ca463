import { parseDockerfile } from '../../src/discovery/kinds/dockerfile.js';
import { expectSpansHoldText, summary } from './spans.js';

function parse(content: string) {
  const result = parseDockerfile('Dockerfile', content);
  expectSpansHoldText(content, result);
  return result;
}

// In the style of the official golang and distroless images: a cross-compiling build
// stage, a test stage built on it, and a final stage from an ARG.
const MULTI_STAGE = `# syntax=docker/dockerfile:1.7
ARG GO_VERSION=1.22.5
ARG ALPINE_VERSION=3.20
ARG RUNTIME_IMAGE=gcr.io/distroless/static-debian12:nonroot

FROM --platform=$BUILDPLATFORM golang:\${GO_VERSION}-alpine\${ALPINE_VERSION} AS build
ARG TARGETOS TARGETARCH
WORKDIR /src
RUN --mount=type=cache,target=/go/pkg/mod \\
    --mount=type=bind,source=go.sum,target=go.sum \\
    go mod download
COPY --from=docker.io/tonistiigi/xx:1.4.0 / /
RUN <<EOF
set -eux
FROM not-an-image
COPY --from=nope / /
EOF
COPY . .
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app ./cmd/app

FROM build AS test
RUN go test ./...

FROM \${RUNTIME_IMAGE}
COPY --from=build /out/app /app
COPY --from=0 /etc/passwd /etc/passwd
USER nonroot:nonroot
ENTRYPOINT ["/app"]
`;

describe('parseDockerfile', () => {
  test('finds the images of a multi-stage build, not its stages or here-document lines', () => {
    const result = parse(MULTI_STAGE);
    expect(summary(result)).toEqual([
      '1 docker/dockerfile:1.7 @1:10',
      '6 golang:1.22.5-alpine3.20',
      '12 docker.io/tonistiigi/xx:1.4.0 @12:13',
      '24 gcr.io/distroless/static-debian12:nonroot @4:19'
    ]);
    expect(result.problems).toEqual([]);
    expect(result.occurrences.map((occurrence) => occurrence.kind)).toEqual([
      'dockerfile-syntax',
      'dockerfile-from',
      'dockerfile-copy-from',
      'dockerfile-from'
    ]);
  });

  test('reads a literal --platform, or one from an ARG default, but not a build-time one', () => {
    const result = parse(
      'ARG ARCH_PLATFORM=linux/arm64\nFROM --platform=linux/amd64 alpine:3.20 AS a\nFROM --platform=${ARCH_PLATFORM} alpine:3.20 AS b\nFROM --platform=$TARGETPLATFORM alpine:3.20\n'
    );
    expect(summary(result)).toEqual(['2 alpine:3.20 @2:29 (linux/amd64)', '3 alpine:3.20 @3:34 (linux/arm64)', '4 alpine:3.20 @4:33']);
  });

  test('joins continuation lines, skipping comments and blank lines inside them', () => {
    const result = parse(
      'FROM \\\n  --platform=linux/amd64 \\\n  # the base\n\n  debian:bookworm-slim \\\n  AS base\nRUN apt-get update && \\\n    apt-get install -y curl\nFROM base\n'
    );
    expect(summary(result)).toEqual(['5 debian:bookworm-slim @5:3 (linux/amd64)']);
  });

  test('gives no edit for a reference split across lines', () => {
    const result = parse('FROM nginx\\\n:1.25\n');
    expect(summary(result)).toEqual(['1 nginx:1.25']);
  });

  test('honours the escape directive (Windows images use a backtick)', () => {
    const content = [
      '# escape=`',
      'FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS base',
      'RUN powershell -Command `',
      '    Write-Host "C:\\path\\"',
      'COPY --from=mcr.microsoft.com/powershell:lts-nanoserver-ltsc2022 `',
      '     C:\\src C:\\dst',
      'FROM base'
    ].join('\r\n');
    expect(summary(parse(content))).toEqual([
      '2 mcr.microsoft.com/windows/servercore:ltsc2022 @2:6',
      '5 mcr.microsoft.com/powershell:lts-nanoserver-ltsc2022 @5:13'
    ]);
  });

  test('a directive after the first instruction or comment is an ordinary comment', () => {
    const result = parse('# a comment\n# escape=`\nFROM alpine:3.20 `\nFROM debian:12\n');
    expect(result.problems).toEqual([]);
    expect(summary(result)).toEqual(['3 alpine:3.20 @3:6', '4 debian:12 @4:6']);
    // The backtick stayed an ordinary character, so the image word is invalid.
    expect(parse('# a comment\n# escape=`\nFROM alpine:3.20`\n').problems).toHaveLength(1);
  });

  test('instructions are case-insensitive; stage names too', () => {
    const result = parse('from node:20-alpine as Deps\nfrom deps AS build\ncopy --FROM=DEPS /app /app\nFrom Scratch\nfrom scratch\n');
    expect(summary(result)).toEqual(['1 node:20-alpine @1:6']);
  });

  test('a FROM names a stage only if that stage comes earlier', () => {
    const result = parse('FROM later\nFROM alpine:3.20 AS later\nCOPY --from=later / /\n');
    expect(summary(result)).toEqual(['1 later @1:6', '2 alpine:3.20 @2:6']);
  });

  test('stage ARGs: a bare ARG brings in the global default; without it the value is unknown', () => {
    const result = parse(
      'ARG HELPER=busybox:1.36\nFROM alpine:3.20\nARG HELPER\nCOPY --from=${HELPER} /bin/busybox /bin/\nFROM alpine:3.20\nCOPY --from=$HELPER /bin/busybox /bin/\n'
    );
    expect(summary(result)).toEqual(['2 alpine:3.20 @2:6', '4 busybox:1.36 @1:12', '5 alpine:3.20 @5:6']);
    expect(result.problems).toEqual([{ file: 'Dockerfile', line: 6, message: 'cannot expand "$HELPER": HELPER has no value' }]);
  });

  test('stage ARG and ENV values are used for --from and --mount', () => {
    const result = parse(
      'FROM alpine:3.20\nARG TOOLS=ghcr.io/acme/tools:1.0\nENV CACHE_IMAGE=ghcr.io/acme/cache:2\nRUN --mount=type=bind,from=$TOOLS,source=/bin/t,target=/usr/bin/t \\\n    --mount=type=cache,from=${CACHE_IMAGE},target=/c t\n'
    );
    expect(summary(result)).toEqual(['1 alpine:3.20 @1:6', '4 ghcr.io/acme/tools:1.0 @2:11', '5 ghcr.io/acme/cache:2']);
  });

  test('RUN --mount from an image, a stage or a stage index', () => {
    const result = parse(
      'FROM golang:1.22 AS build\nFROM alpine:3.20\nRUN --mount=type=bind,from=ghcr.io/acme/tool:1.0,source=/tool,target=/usr/bin/tool \\\n    --mount=type=bind,from=build,target=/b --mount=type=bind,from=0,target=/c tool\n'
    );
    expect(summary(result)).toEqual(['1 golang:1.22 @1:6', '2 alpine:3.20 @2:6', '3 ghcr.io/acme/tool:1.0 @3:28']);
  });

  test('${VAR:-default}, ${VAR:+alt} and quotes, as BuildKit expands them', () => {
    const result = parse(
      [
        'ARG VARIANT=slim',
        'ARG REGISTRY',
        'FROM python:3.12${VARIANT:+-$VARIANT} AS py',
        'FROM ${REGISTRY:-docker.io}/library/redis:7.2 AS redis',
        'FROM ${IMAGE:-nginx:1.27} AS web',
        'FROM "busybox:1.36" AS quoted',
        'FROM python:3.12${EMPTY:-}'
      ].join('\n')
    );
    expect(summary(result)).toEqual([
      '3 python:3.12-slim',
      '4 docker.io/library/redis:7.2',
      '5 nginx:1.27 @5:15',
      '6 busybox:1.36 @6:7',
      '7 python:3.12'
    ]);
  });

  test('a reference that cannot be expanded or parsed is a problem on its line', () => {
    const result = parse(
      'ARG NODE_VERSION\nFROM node:${NODE_VERSION}-alpine\nFROM ${BASE:?required}\nFROM Nginx:1.25\nFROM ${BROKEN\nFROM\nFROM alpine:3.20\n'
    );
    expect(summary(result)).toEqual(['7 alpine:3.20 @7:6']);
    expect(result.problems.map((problem) => [problem.line, problem.message])).toEqual([
      [2, 'cannot expand "node:${NODE_VERSION}-alpine": NODE_VERSION has no value'],
      [3, 'cannot expand "${BASE:?required}": BASE is required: required'],
      [4, 'invalid image reference "Nginx:1.25": repository name must be lowercase'],
      [5, 'cannot expand "${BROKEN": missing "}" in "${BROKEN"'],
      [6, 'FROM without an image']
    ]);
  });

  test('here-documents: <<-, quoted delimiters, several on one line, ONBUILD', () => {
    const content = [
      'FROM alpine:3.20',
      'RUN <<-EOT sh',
      '\tFROM tab-indented',
      '\tEOT',
      'COPY <<\'A\' <<"B" /etc/',
      'FROM in-a',
      'A',
      'FROM in-b',
      'B',
      'ONBUILD RUN <<EOF',
      'FROM in-onbuild',
      'EOF',
      'RUN ["sh", "-c", "cat <<EOF"]',
      'FROM debian:12'
    ].join('\n');
    const result = parse(content);
    expect(summary(result)).toEqual(['1 alpine:3.20 @1:6', '14 debian:12 @14:6']);
    expect(result.problems).toEqual([]);
  });

  test('an unterminated here-document is reported and ends the file', () => {
    const result = parse('FROM alpine:3.20\nRUN <<EOF\nFROM nginx\n');
    expect(summary(result)).toEqual(['1 alpine:3.20 @1:6']);
    expect(result.problems).toEqual([{ file: 'Dockerfile', line: 2, message: 'unterminated here-document "EOF"' }]);
  });

  test('CRLF line endings and a byte-order mark give the same lines', () => {
    const lf = parse(MULTI_STAGE);
    const crlf = parse(MULTI_STAGE.replace(/\n/g, '\r\n'));
    expect(crlf).toEqual(lf);
    const bom = parse('\uFEFFFROM alpine:3.20\n');
    expect(bom.occurrences[0].edit).toEqual({ line: 1, column: 7, length: 11 });
  });

  test('an ARG default shared by two stages gives both the same edit', () => {
    const result = parse('ARG BASE=debian:12-slim\nFROM $BASE AS a\nFROM ${BASE} AS b\n');
    expect(summary(result)).toEqual(['2 debian:12-slim @1:10', '3 debian:12-slim @1:10']);
  });

  test('an ARG default built from another variable is not rewritable', () => {
    const result = parse('ARG TAG=1.27\nARG IMAGE=nginx:${TAG}\nARG QUOTED="redis:7"\nFROM $IMAGE\nFROM $QUOTED\n');
    expect(summary(result)).toEqual(['4 nginx:1.27', '5 redis:7 @3:13']);
  });

  test('empty and comment-only files have nothing', () => {
    expect(parse('')).toEqual({ occurrences: [], problems: [] });
    expect(parse('# just a comment\n\n   \n')).toEqual({ occurrences: [], problems: [] });
  });

  test('the # syntax= directive is a reference (in any spelling BuildKit accepts), only at the top', () => {
    expect(summary(parse('#syntax=docker/dockerfile:1\nFROM alpine:3.20\n'))).toEqual(['1 docker/dockerfile:1 @1:9', '2 alpine:3.20 @2:6']);
    expect(summary(parse('# syntax = docker.io/docker/dockerfile-upstream:master \n# escape=`\nFROM scratch\n'))).toEqual([
      '1 docker.io/docker/dockerfile-upstream:master @1:12'
    ]);
    expect(parse('FROM alpine:3.20\n# syntax=docker/dockerfile:1\n').occurrences.map((occurrence) => occurrence.kind)).toEqual([
      'dockerfile-from'
    ]);
    expect(parse('# syntax=Bad:Frontend\nFROM alpine:3.20\n').problems).toEqual([
      expect.objectContaining({ line: 1, invalid: true, text: 'Bad:Frontend', kind: 'dockerfile-syntax' })
    ]);
  });

  test("BuildKit's platform ARGs are known: a stage chosen by platform is neither a finding nor a warning", () => {
    const content = `FROM --platform=$BUILDPLATFORM golang:1.22 AS build
ARG TARGETOS TARGETARCH
RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app
FROM scratch AS binaries-linux
COPY --from=build /out/app /
FROM scratch AS binaries-windows
COPY --from=build /out/app /app.exe
FROM binaries-$TARGETOS AS binaries
FROM binaries-\${TARGETOS}-\${TARGETARCH}
FROM alpine:\${TARGETARCH}
`;
    const result = parse(content);
    expect(summary(result)).toEqual(['1 golang:1.22 @1:32']);
    expect(result.problems).toEqual([
      { file: 'Dockerfile', line: 9, message: '"binaries-${TARGETOS}-${TARGETARCH}" depends on the platform being built for' },
      { file: 'Dockerfile', line: 10, message: '"alpine:${TARGETARCH}" depends on the platform being built for' }
    ]);
  });

  test('a platform ARG given a default is an ordinary ARG', () => {
    expect(summary(parse('ARG TARGETARCH=amd64\nFROM acme/base:$TARGETARCH\n'))).toEqual(['2 acme/base:amd64']);
  });
});
