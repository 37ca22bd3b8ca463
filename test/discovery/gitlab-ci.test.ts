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
