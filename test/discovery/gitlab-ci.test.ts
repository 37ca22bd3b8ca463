import { gitlabCiKind } from '../../src/discovery/kinds/gitlab-ci.js';
import { scanKind } from './scan.js';
import { summary } from './spans.js';

const PIPELINE = `include:
  - local: /ci/lint.gitlab-ci.yml
  - remote: https://example.com/ci.yml
  - template: Auto-DevOps.gitlab-ci.yml
  - ci/release.gitlab-ci.yml
variables:
  PYTHON_VERSION: "3.12"
  DIND: docker:27-dind
image: python:\${PYTHON_VERSION}-slim
services:
  - postgres:16
  - name: redis:7.2
    alias: cache
default:
  image:
    name: alpine:3.20
    entrypoint: [""]
stages: [test, build]
test:
  stage: test
  script: [pytest]
build:
  stage: build
  image: $DIND
  services:
    - name: $DIND
  variables:
    DIND: docker:26-dind
deploy:
  image: $CI_REGISTRY_IMAGE/deployer:1
  script: [deploy]
`;

describe('GitLab CI', () => {
  test('image and services at the top level, under default and in jobs, with variables expanded', async () => {
    const result = await scanKind(gitlabCiKind, '.gitlab-ci.yml', PIPELINE);
    expect(summary(result)).toEqual([
      '9 python:3.12-slim',
      '11 postgres:16 @11:5',
      '12 redis:7.2 @12:11',
      '16 alpine:3.20 @16:11',
      '24 docker:26-dind',
      '26 docker:26-dind'
    ]);
    expect(result.occurrences.map((occurrence) => occurrence.kind)).toEqual([
      'gitlab-image',
      'gitlab-service',
      'gitlab-service',
      'gitlab-image',
      'gitlab-image',
      'gitlab-service'
    ]);
    expect(result.problems).toEqual([
      { file: '.gitlab-ci.yml', line: 30, message: 'cannot expand "$CI_REGISTRY_IMAGE/deployer:1": CI_REGISTRY_IMAGE has no value' }
    ]);
  });

  test('local includes are followed from the repository root; others are not', async () => {
    const result = await scanKind(gitlabCiKind, '.gitlab-ci.yml', PIPELINE);
    expect(result.follow).toEqual(['ci/lint.gitlab-ci.yml', 'ci/release.gitlab-ci.yml']);
    expect((await scanKind(gitlabCiKind, '.gitlab-ci.yml', 'include: ci/one.yml\n')).follow).toEqual(['ci/one.yml']);
    expect((await scanKind(gitlabCiKind, '.gitlab-ci.yml', 'include: ../outside.yml\n')).follow).toEqual([]);
  });
});

describe("GitLab's dependency proxy", () => {
  test('its prefixes stand for Docker Hub: the image is locked as Docker Hub’s, and pinned after the prefix', async () => {
    const content = `image: \${CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX}/node:22-alpine
services:
  - $CI_DEPENDENCY_PROXY_DIRECT_GROUP_IMAGE_PREFIX/postgres:16
  - name: \${CI_DEPENDENCY_PROXY_SERVER}/acme/platform/dependency_proxy/containers/redis:7.2
lint:
  image: \${CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX}/\${LINTER}
  variables:
    LINTER: golangci/golangci-lint:v1.60
other:
  image: \${CI_REGISTRY_IMAGE}/builder:1
`;
    const result = await scanKind(gitlabCiKind, '.gitlab-ci.yml', content);
    expect(summary(result)).toEqual([
      '1 node:22-alpine @1:50',
      '3 postgres:16 @3:52',
      '4 redis:7.2 @4:83',
      '6 golangci/golangci-lint:v1.60'
    ]);
    expect(result.problems.map((problem) => problem.line)).toEqual([10]);
  });
});
