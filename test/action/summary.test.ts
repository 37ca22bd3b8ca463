import { loadTestEnv } from '../env/env.js';
import { workspace } from '../cli/helpers.js';
import { runAction } from './run-action.js';

const env = loadTestEnv();
const host = env.registries.anonymous.host;
const app = `${host}/multi/app:1.0`;
const runner = { GITHUB_SERVER_URL: 'https://github.example', GITHUB_REPOSITORY: 'acme/shop', GITHUB_SHA: 'c0ffee0123456789' };
const blob = `${runner.GITHUB_SERVER_URL}/${runner.GITHUB_REPOSITORY}/blob/${runner.GITHUB_SHA}`;

/** Six stages from the same unpinned image: six findings in one file, more than a list shows unfolded. */
const dockerfile = Array.from({ length: 6 }, (_, stage) => `FROM ${app} AS stage${stage}\n`).join('');

async function lockRun(runnerEnv: Record<string, string> = {}) {
  const dir = await workspace({ 'build/Dockerfile': dockerfile, 'compose.yaml': `services:\n  web:\n    image: ${app}\n` });
  return runAction('main', dir, { images: app, files: 'build/Dockerfile\ncompose.yaml' }, runnerEnv);
}

describe('the job summary', () => {
  test('findings are grouped per file, each linked to its line at the commit; long lists fold', async () => {
    const run = await lockRun(runner);
    expect(run.code).toBe(0);
    const findings = run.summary.slice(run.summary.indexOf('<h3>Findings</h3>'));
    // What concerns no file (an image given as input) comes first, ungrouped.
    expect(findings).toMatch(/^<h3>Findings<\/h3>\n?<ul><li>warning: [^<]*multi\/app:1\.0 is not pinned by digest/);
    // Files in order, each a group with its count; compose.yaml's one note open, build/Dockerfile's six folded.
    const groups = [...findings.matchAll(/<details( open)?><summary>(.*?)<\/summary>/g)].map((match) => [match[2], match[1] ?? '']);
    expect(groups).toEqual([
      [`<a href="${blob}/build/Dockerfile">build/Dockerfile</a> (6)`, ''],
      [`<a href="${blob}/compose.yaml">compose.yaml</a> (1)`, ' open']
    ]);
    for (let line = 1; line <= 6; line++) expect(findings).toContain(`<a href="${blob}/build/Dockerfile#L${line}">line ${line}</a> ${app}`);
    expect(findings).toContain(`warning: <a href="${blob}/compose.yaml#L3">line 3</a> ${app} is not pinned by digest`);
    // The images table links where each image was found.
    expect(run.summary).toContain(
      `<a href="${blob}/build/Dockerfile">build/Dockerfile</a>, <a href="${blob}/compose.yaml">compose.yaml</a>`
    );
  });

  test('outside a runner the places are plain text', async () => {
    const run = await lockRun();
    expect(run.summary).not.toContain('<a ');
    expect(run.summary).toContain('<details><summary>build/Dockerfile (6)</summary>');
    expect(run.summary).toContain(`warning: line 3 ${app} is not pinned by digest`);
  });
});
