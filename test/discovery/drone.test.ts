import { droneKind } from '../../src/discovery/kinds/drone.js';
import { woodpeckerKind } from '../../src/discovery/kinds/woodpecker.js';
import { scanKind } from './scan.js';
import { summary } from './spans.js';

const DRONE = `kind: pipeline
type: docker
name: test
steps:
  - name: unit
    image: golang:1.22
    commands: [go test ./...]
  - name: publish
    image: plugins/docker:20.18
    settings:
      tags: \${DRONE_TAG}
  - name: notify
    image: acme/notify:\${DRONE_BRANCH}
services:
  - name: cache
    image: redis:7-alpine
---
kind: secret
name: token
get: {path: ci, name: token}
---
kind: pipeline
type: kubernetes
name: arm
platform: {arch: arm64}
steps:
  - name: build
    image: "golang:1.22-bookworm"
---
kind: signature
hmac: 0123456789abcdef
`;

const WOODPECKER = `variables:
  - &node_image 'docker.io/node:22-alpine'
clone:
  git:
    image: woodpeckerci/plugin-git:2.5
matrix:
  DB: [postgres:16, mysql:8]
steps:
  install:
    image: *node_image
    commands: [npm ci]
  lint:
    image: *node_image
    commands: [npm run lint]
  integration:
    image: \${DB}
services:
  - name: mail
    image: axllent/mailpit:v1.18
`;

describe('Drone and Woodpecker', () => {
  test('Drone: steps and services of every pipeline document; other documents and substitutions skipped', async () => {
    const result = await scanKind(droneKind, '.drone.yml', DRONE);
    expect(summary(result)).toEqual([
      '6 golang:1.22 @6:12',
      '9 plugins/docker:20.18 @9:12',
      '16 redis:7-alpine @16:12',
      '28 golang:1.22-bookworm @28:13'
    ]);
    expect(result.occurrences.map((occurrence) => occurrence.kind)).toEqual(['drone-step', 'drone-step', 'drone-service', 'drone-step']);
    expect(result.problems).toEqual([
      { file: '.drone.yml', line: 13, message: 'cannot resolve the variable in "acme/notify:${DRONE_BRANCH}"' }
    ]);
  });

  test('Drone 0.8: a map of steps under pipeline:', async () => {
    const result = await scanKind(
      droneKind,
      '.drone.yml',
      'pipeline:\n  test:\n    image: node:8\nservices:\n  db:\n    image: mongo:3.6\n'
    );
    expect(summary(result)).toEqual(['3 node:8 @3:12', '6 mongo:3.6 @6:12']);
  });

  test('Woodpecker: steps as a map, clone, services; an image from an anchor reported once where it is written', async () => {
    const result = await scanKind(woodpeckerKind, '.woodpecker/ci.yaml', WOODPECKER);
    expect(summary(result)).toEqual([
      '2 docker.io/node:22-alpine @2:18',
      '19 axllent/mailpit:v1.18 @19:12',
      '5 woodpeckerci/plugin-git:2.5 @5:12'
    ]);
    expect(result.occurrences.map((occurrence) => occurrence.kind)).toEqual(['woodpecker-step', 'woodpecker-service', 'woodpecker-clone']);
    expect(result.problems).toEqual([{ file: '.woodpecker/ci.yaml', line: 16, message: 'cannot resolve the variable in "${DB}"' }]);
  });

  test('paths', () => {
    const repository = { env: {}, readText: () => Promise.resolve(undefined), hasFile: () => Promise.resolve(false) };
    expect(
      ['.woodpecker.yml', '.woodpecker.yaml', '.woodpecker/test.yml'].map((path) => woodpeckerKind.matchesPath(path, repository))
    ).toEqual([true, true, true]);
    expect(['.woodpecker/sub/test.yml', 'woodpecker.yml'].map((path) => woodpeckerKind.matchesPath(path, repository))).toEqual([
      false,
      false
    ]);
    expect(['.drone.yml', 'svc/.drone.yaml', 'drone.yml'].map((path) => droneKind.matchesPath(path, repository))).toEqual([
      true,
      true,
      false
    ]);
  });
});
