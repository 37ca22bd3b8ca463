import { circleciKind } from '../../src/discovery/kinds/circleci.js';
import { scanKind } from './scan.js';
import { summary } from './spans.js';

const CONFIG = `version: 2.1
parameters:
  builder:
    type: string
    default: "ghcr.io/acme/builder:2024.06"
orbs:
  node: circleci/node@5.2
  inline:
    executors:
      tiny:
        docker:
          - image: busybox:1.36
x-auth: &auth
  auth:
    username: bot
    password: $REGISTRY_TOKEN
executors:
  py:
    docker:
      - image: cimg/python:3.12
        <<: *auth
jobs:
  test:
    docker:
      - image: cimg/node:20.14
      - image: postgres:16-alpine
        environment:
          POSTGRES_USER: ci
    steps: [checkout]
  build:
    docker:
      - image: << pipeline.parameters.builder >>
    steps: [checkout]
  e2e:
    parameters:
      browser:
        type: string
        default: cimg/node:20.14-browsers
    docker:
      - image: << parameters.browser >>
    steps: [checkout]
  lint:
    executor: py
    steps: [checkout]
  vm:
    machine:
      image: ubuntu-2204:current
    steps: [checkout]
  custom:
    docker:
      - image: cimg/node:<< pipeline.parameters.node >>
    steps: [checkout]
workflows:
  main:
    jobs:
      - test
      - e2e
      - e2e:
          name: e2e-firefox
          browser: "selenium/standalone-firefox:126.0"
      - e2e:
          matrix:
            parameters:
              browser: [selenium/standalone-chrome:125.0, selenium/standalone-edge:125.0]
`;

describe('CircleCI', () => {
  test('docker images of jobs, executors and inline orbs; parameters resolved where they are written', async () => {
    const result = await scanKind(circleciKind, '.circleci/config.yml', CONFIG);
    expect(summary(result)).toEqual([
      '25 cimg/node:20.14 @25:16',
      '26 postgres:16-alpine @26:16',
      '32 ghcr.io/acme/builder:2024.06 @5:15',
      '40 cimg/node:20.14-browsers @38:18',
      '40 selenium/standalone-firefox:126.0 @60:21',
      '40 selenium/standalone-chrome:125.0 @64:25',
      '40 selenium/standalone-edge:125.0 @64:59',
      '20 cimg/python:3.12 @20:16',
      '12 busybox:1.36 @12:20'
    ]);
    expect(new Set(result.occurrences.map((occurrence) => occurrence.kind))).toEqual(new Set(['circleci-image']));
    expect(result.problems).toEqual([
      { file: '.circleci/config.yml', line: 51, message: 'cannot resolve the variable in "cimg/node:<< pipeline.parameters.node >>"' }
    ]);
  });

  test('a named file is recognised by its version and jobs', async () => {
    const { SourceFile } = await import('../../src/discovery/file-kind.js');
    expect(circleciKind.matchesContent!(new SourceFile('ci/circle.yml', 'version: 2.1\njobs: {}\n'))).toBe(true);
    expect(circleciKind.matchesContent!(new SourceFile('ci/gha.yml', 'version: 1\non: push\njobs: {}\n'))).toBe(false);
    expect(circleciKind.matchesPath('.circleci/config.yml', { env: {}, readText: async () => undefined, hasFile: async () => false })).toBe(
      true
    );
    expect(
      circleciKind.matchesPath('sub/.circleci/config.yml', { env: {}, readText: async () => undefined, hasFile: async () => false })
    ).toBe(false);
  });
});
