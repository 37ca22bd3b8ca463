import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { discover } from '../../src/discovery/discover.js';
import { parseHcl } from '../../src/discovery/hcl.js';
import { pinFiles } from '../../src/pin/pin.js';
import { tempRepo } from './temp-repo.js';

const D = `sha256:${'b'.repeat(64)}`;

const BAKE_HCL = `# Release images, built together.
variable "GO_VERSION" {
  default = "1.22"
}

variable "TAG" { default = "dev" }

group "default" {
  targets = ["app", "docs"]
}

/* The application: a Go build on a pinned base. */
target "app" {
  context    = "."
  dockerfile = "build/app.Dockerfile"
  args = {
    BASE      = "gcr.io/distroless/static-debian12:nonroot"
    GO_IMAGE  = "golang:\${GO_VERSION}-alpine"
    VERSION   = "\${TAG}" // not used by a FROM
    LINT      = "false" // part of a stage's name, not an image
  }
  contexts = {
    tools = "docker-image://ghcr.io/acme/tools:2.3"
    src   = "../src"
  }
  platforms = ["linux/amd64", "linux/arm64"]
  tags      = ["acme/app:\${TAG}"]
  labels    = { "org.opencontainers.image.source" = "https://github.com/acme/app" }
  cache-from = [for v in ["a"] : "type=gha,scope=\${v}"]
  output = TAG == "dev" ? ["type=docker"] : ["type=registry"]
  annotations = <<EOT
manifest:org.opencontainers.image.title=app
EOT
}

target "docs" {
  dockerfile-inline = "FROM \${NODE}\\nRUN npm ci\\n"
  args = { NODE = "node:22-alpine" }
}
`;

const APP_DOCKERFILE =
  'ARG BASE\nARG GO_IMAGE\nARG LINT=true\nFROM --platform=$BUILDPLATFORM ${GO_IMAGE} AS build\nRUN go build ./...\nFROM lint-${LINT} AS lint\nFROM $BASE\nARG VERSION\nLABEL version=$VERSION\n';

const BAKE_JSON = `{
  "variable": { "PY": { "default": "3.12" } },
  "target": {
    "api": {
      "args": { "PYTHON": "python:\${PY}-slim", "UNUSED": "alpine:3.20" },
      "contexts": { "base": "docker-image://docker.io/library/debian:bookworm" }
    }
  }
}
`;

describe('Docker Bake files', () => {
  test('HCL: contexts of docker-image:// and args a FROM uses, variables expanded, everything else of HCL read past', async () => {
    const cwd = await tempRepo({ 'docker-bake.hcl': BAKE_HCL, 'build/app.Dockerfile': APP_DOCKERFILE });
    const { occurrences, problems } = await discover({ cwd, files: ['docker-bake.hcl'] });
    expect(problems).toEqual([]);
    expect(occurrences.map((one) => `${one.line} ${one.kind} ${one.text}${one.edit ? '' : ' (not pinnable)'}`)).toEqual([
      '17 bake-arg gcr.io/distroless/static-debian12:nonroot',
      '18 bake-arg golang:1.22-alpine (not pinnable)',
      '23 bake-context ghcr.io/acme/tools:2.3',
      '38 bake-arg node:22-alpine'
    ]);
  });

  test('JSON: the same fields, with the environment winning over a variable default', async () => {
    const cwd = await tempRepo({ 'docker-bake.json': BAKE_JSON, Dockerfile: 'ARG PYTHON\nFROM ${PYTHON}\n' });
    const { occurrences } = await discover({ cwd, files: ['docker-bake.json'], env: { PY: '3.13' } });
    expect(occurrences.map((one) => `${one.line} ${one.kind} ${one.text}`)).toEqual([
      '5 bake-arg python:3.13-slim',
      '6 bake-context docker.io/library/debian:bookworm'
    ]);
  });

  test('pinned in place, in HCL and JSON', async () => {
    const cwd = await tempRepo({
      'docker-bake.hcl': BAKE_HCL,
      'build/app.Dockerfile': APP_DOCKERFILE,
      'ci/docker-bake.json': BAKE_JSON,
      'ci/Dockerfile': 'ARG PYTHON\nFROM ${PYTHON}\n'
    });
    const { occurrences } = await discover({ cwd, files: ['docker-bake.hcl', 'ci/docker-bake.json'] });
    const result = await pinFiles(cwd, occurrences, () => D);
    expect(result.skipped.map((skip) => skip.text)).toEqual(['python:3.12-slim', 'golang:1.22-alpine']);
    const hcl = await readFile(join(cwd, 'docker-bake.hcl'), 'utf8');
    expect(hcl).toContain(`tools = "docker-image://ghcr.io/acme/tools:2.3@${D}"`);
    expect(hcl).toContain(`BASE      = "gcr.io/distroless/static-debian12:nonroot@${D}"`);
    expect(hcl).toContain(`args = { NODE = "node:22-alpine@${D}" }`);
    expect(await readFile(join(cwd, 'ci/docker-bake.json'), 'utf8')).toContain(`"docker-image://docker.io/library/debian:bookworm@${D}"`);
  });
});

describe('parseHcl', () => {
  test('strings keep their place; escapes and interpolation make them not verbatim', () => {
    const { body, problem } = parseHcl('a = "x\\"y"\nb = "${v}:1"\nc = "plain"\n');
    expect(problem).toBeUndefined();
    expect(body.attributes.get('a')).toMatchObject({ value: 'x"y', verbatim: false });
    expect(body.attributes.get('b')).toMatchObject({ value: '${v}:1', verbatim: false });
    expect(body.attributes.get('c')).toEqual({ type: 'string', value: 'plain', start: 29, verbatim: true });
  });

  test('what it cannot read ends the body there with a problem; what came before stays', () => {
    const { body, problem } = parseHcl('target "a" {\n  x = "1"\n}\ntarget "b" {\n  y = "unterminated\n}\n');
    expect(body.blocks.map((block) => block.labels[0])).toEqual(['a', 'b']);
    expect(problem?.offset).toBe('target "a" {\n  x = "1"\n}\ntarget "b" {\n  y = "'.length);
  });

  test('deep nesting is a problem, not a stack overflow', () => {
    expect(parseHcl(`a = ${'['.repeat(10_000)}`).problem).toBeDefined();
    expect(parseHcl(`${'b {'.repeat(10_000)}`).problem).toBeDefined();
  });
});
