import { SourceFile } from '../../src/discovery/file-kind.js';
import { cloudBuildKind } from '../../src/discovery/kinds/cloud-build.js';
import { scanKind } from './scan.js';
import { summary } from './spans.js';

const BUILD = `substitutions:
  _NODE: "20"
  _REGION: europe-west1
steps:
  - id: deps
    name: node:\${_NODE}-slim
    entrypoint: npm
    args: [ci]
  - name: 'gcr.io/cloud-builders/docker'
    args: ['build', '-t', '$_REGION-docker.pkg.dev/$PROJECT_ID/app/web:$SHORT_SHA', '.']
  - name: gcr.io/$PROJECT_ID/deployer
  - name: gcr.io/google.com/cloudsdktool/cloud-sdk:476.0.0-slim
    script: gcloud run deploy web
images: ['$_REGION-docker.pkg.dev/$PROJECT_ID/app/web:$SHORT_SHA']
`;

describe('Google Cloud Build', () => {
  test('each step builder image, user substitutions from the file; built-in ones reported', async () => {
    const result = await scanKind(cloudBuildKind, 'cloudbuild.yaml', BUILD);
    expect(summary(result)).toEqual([
      '6 node:20-slim',
      '9 gcr.io/cloud-builders/docker @9:12',
      '12 gcr.io/google.com/cloudsdktool/cloud-sdk:476.0.0-slim @12:11'
    ]);
    expect(new Set(result.occurrences.map((occurrence) => occurrence.kind))).toEqual(new Set(['cloudbuild-step']));
    expect(result.problems).toEqual([
      { file: 'cloudbuild.yaml', line: 11, message: 'cannot expand "gcr.io/$PROJECT_ID/deployer": PROJECT_ID has no value' }
    ]);
  });

  test('the JSON form', async () => {
    const json =
      '{\n  "steps": [\n    {"name": "gcr.io/cloud-builders/gcloud", "args": ["version"]},\n    {"name": "golang:1.22"}\n  ]\n}\n';
    const result = await scanKind(cloudBuildKind, 'deploy/cloudbuild.json', json);
    expect(summary(result)).toEqual(['3 gcr.io/cloud-builders/gcloud @3:15', '4 golang:1.22 @4:15']);
    expect(cloudBuildKind.matchesContent!(new SourceFile('ci/build.json', json))).toBe(true);
    expect(cloudBuildKind.matchesContent!(new SourceFile('ci/wp.yml', 'steps:\n  - name: b\n    image: alpine\n'))).toBe(false);
  });
});
