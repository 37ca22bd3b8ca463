import { SourceFile } from '../../src/discovery/file-kind.js';
import { azurePipelinesKind } from '../../src/discovery/kinds/azure-pipelines.js';
import { scanKind } from './scan.js';
import { summary } from './spans.js';

const PIPELINE = `trigger: [main]
resources:
  containers:
    - container: builder
      image: mcr.microsoft.com/dotnet/sdk:8.0
    - container: cache
      image: redis:7.2
      ports: [6379]
    - container: acr
      type: ACR
      registry: acme
      repository: tools
variables:
  - name: testImage
    value: ubuntu:24.04
container: builder
services:
  cache: cache
stages:
  - stage: Test
    jobs:
      - job: Linux
        pool: {vmImage: ubuntu-latest}
        container: ubuntu:22.04
        services:
          db: postgres:16
          queue: cache
      - job: Private
        container:
          image: acme.azurecr.io/ci/runner:5
          endpoint: acme-registry
      - job: Matrix
        container: $[ variables['testImage'] ]
      - job: Templated
        container: \${{ parameters.image }}
      - deployment: Ship
        container: "mcr.microsoft.com/azure-cli:2.61.0"
      - \${{ if eq(parameters.arm, true) }}:
          - job: Arm
            container: arm64v8/ubuntu:24.04
      - \${{ each image in parameters.images }}:
          - job: Each
            container: \${{ image }}
`;

describe('Azure Pipelines', () => {
  test('container resources, and job containers and services that are images rather than resource aliases', async () => {
    const result = await scanKind(azurePipelinesKind, 'azure-pipelines.yml', PIPELINE);
    expect(summary(result)).toEqual([
      '5 mcr.microsoft.com/dotnet/sdk:8.0 @5:14',
      '7 redis:7.2 @7:14',
      '24 ubuntu:22.04 @24:20',
      '26 postgres:16 @26:15',
      '30 acme.azurecr.io/ci/runner:5 @30:18',
      '37 mcr.microsoft.com/azure-cli:2.61.0 @37:21',
      '40 arm64v8/ubuntu:24.04 @40:24'
    ]);
    expect(result.occurrences.map((occurrence) => occurrence.kind)).toEqual([
      'azure-container',
      'azure-container',
      'azure-container',
      'azure-service',
      'azure-container',
      'azure-container',
      'azure-container'
    ]);
    expect(result.problems).toEqual([
      { file: 'azure-pipelines.yml', line: 33, message: `cannot resolve the variable in "$[ variables['testImage'] ]"` },
      { file: 'azure-pipelines.yml', line: 35, message: 'cannot resolve the variable in "${{ parameters.image }}"' },
      { file: 'azure-pipelines.yml', line: 43, message: 'cannot resolve the variable in "${{ image }}"' }
    ]);
  });

  test('paths: azure-pipelines*.yml anywhere and the files of .azure-pipelines/', () => {
    const repository = { env: {}, readText: () => Promise.resolve(undefined), hasFile: () => Promise.resolve(false) };
    for (const path of ['azure-pipelines.yml', 'ci/azure-pipelines-release.yaml', '.azure-pipelines/templates/test.yml'])
      expect(azurePipelinesKind.matchesPath(path, repository)).toBe(true);
    for (const path of ['pipelines.yml', 'docs/azure.yml']) expect(azurePipelinesKind.matchesPath(path, repository)).toBe(false);
  });

  test('a named file elsewhere (eng/pipelines/) is recognised by its stages, jobs, steps or container resources', () => {
    const named = (content: string) => azurePipelinesKind.matchesContent!(new SourceFile('eng/pipelines/ci.yml', content));
    expect(named('jobs:\n  - job: build\n    steps: [{script: make}]\n')).toBe(true);
    expect(named('stages:\n  - stage: test\n')).toBe(true);
    expect(named('steps:\n  - task: NuGetCommand@2\n')).toBe(true);
    expect(named('resources:\n  containers:\n    - container: c\n      image: alpine:3.20\n')).toBe(true);
    // Cloud Build and Woodpecker steps, and a GitHub workflow, are not Azure's.
    expect(named('steps:\n  - name: gcr.io/cloud-builders/docker\n    script: docker build .\n')).toBe(false);
    expect(named('steps:\n  - name: test\n    image: node:22\n')).toBe(false);
    expect(named('on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n')).toBe(false);
  });

  test('an insertion that includes its own list through an alias is read once', async () => {
    const result = await scanKind(
      azurePipelinesKind,
      'azure-pipelines.yml',
      'jobs: &a\n  - ${{ if x }}: *a\n  - job: j\n    container: alpine:3.20\n'
    );
    expect(summary(result)).toEqual(['4 alpine:3.20 @4:16']);
  });
});
