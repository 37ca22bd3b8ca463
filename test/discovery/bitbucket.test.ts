import { bitbucketKind } from '../../src/discovery/kinds/bitbucket.js';
import { scanKind } from './scan.js';
import { summary } from './spans.js';

const PIPELINES = `image:
  name: registry.example.com/team/ci-base:3.1
  username: $REGISTRY_USER
  password: $REGISTRY_PASSWORD
definitions:
  services:
    docker:
      memory: 3072
    mysql:
      image: mysql:8.4
      variables:
        MYSQL_DATABASE: app
  steps:
    - step: &unit
        name: Unit tests
        image: python:3.12-slim
        services: [mysql]
        script: [pytest]
    - step: &unused
        image: never/used:1
        script: [true]
pipelines:
  default:
    - step: *unit
    - parallel:
        - step:
            image: node:20
            script: [npm test]
        - step:
            script:
              - pipe: docker://acme/notify:2.0
                variables: {CHANNEL: ci}
              - pipe: atlassian/slack-notify:2.2.0
  branches:
    main:
      - step: *unit
      - stage:
          name: Deploy
          steps:
            - step:
                image: 'hashicorp/terraform:1.9'
                script: [terraform apply]
  pull-requests:
    '**':
      - parallel:
          fail-fast: true
          steps:
            - step:
                image: golang:1.22
                script: [go test ./...]
  custom:
    release:
      - variables:
          - name: VERSION
      - step:
          image: alpine:$VERSION
          script: [echo]
`;

describe('Bitbucket Pipelines', () => {
  test('the global image, service definitions, step images in parallel groups and stages, docker pipes', async () => {
    const result = await scanKind(bitbucketKind, 'bitbucket-pipelines.yml', PIPELINES);
    expect(summary(result)).toEqual([
      '2 registry.example.com/team/ci-base:3.1 @2:9',
      '10 mysql:8.4 @10:14',
      '16 python:3.12-slim @16:16',
      '27 node:20 @27:20',
      '31 acme/notify:2.0 @31:32',
      '41 hashicorp/terraform:1.9 @41:25',
      '49 golang:1.22 @49:24'
    ]);
    expect(result.occurrences.map((occurrence) => occurrence.kind)).toEqual([
      'bitbucket-image',
      'bitbucket-service',
      'bitbucket-image',
      'bitbucket-image',
      'bitbucket-pipe',
      'bitbucket-image',
      'bitbucket-image'
    ]);
    expect(result.problems).toEqual([
      { file: 'bitbucket-pipelines.yml', line: 56, message: 'cannot resolve the variable in "alpine:$VERSION"' }
    ]);
  });

  test('the image as a plain string', async () => {
    const result = await scanKind(bitbucketKind, 'bitbucket-pipelines.yml', 'image: maven:3.9-eclipse-temurin-21\npipelines: {}\n');
    expect(summary(result)).toEqual(['1 maven:3.9-eclipse-temurin-21 @1:8']);
  });
});
