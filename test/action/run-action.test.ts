// The harness that runs the bundled action as the runner does: a step's files, and a
// job's runner temporary folder, are gone once the step or the job is over, as on a
// runner; a benchmark runs the action hundreds of times, each pull storing its layers there.
import { existsSync } from 'node:fs';
import { workspace } from '../cli/helpers.js';
import { loadTestEnv } from '../env/env.js';
import { runAction, runJob } from './run-action.js';

const host = loadTestEnv().registries.anonymous.host;

describe('runAction and runJob', () => {
  test("a step's runner temporary folder is gone after it", async () => {
    const dir = await workspace({ Dockerfile: `FROM ${host}/multi/app:1.0\n` });
    const run = await runAction('main', dir, { mode: 'lock' });
    expect(run.code).toBe(0);
    expect(existsSync(run.runnerTemp)).toBe(false);
  });

  test('a job gives its two steps one runner temporary folder, gone after the job', async () => {
    const dir = await workspace({ Dockerfile: `FROM ${host}/multi/app:1.0\n` });
    const { main, post } = await runJob(dir, { mode: 'lock' }, {});
    expect([main.code, post.code]).toEqual([0, 0]);
    expect(post.runnerTemp).toBe(main.runnerTemp);
    expect(existsSync(main.runnerTemp)).toBe(false);
  });

  test('a runner temporary folder the caller gives is left to the caller', async () => {
    const dir = await workspace({ Dockerfile: `FROM ${host}/multi/app:1.0\n` });
    const runnerTemp = await workspace();
    const run = await runAction('main', dir, { mode: 'lock' }, { RUNNER_TEMP: runnerTemp });
    expect(run.runnerTemp).toBe(runnerTemp);
    expect(existsSync(runnerTemp)).toBe(true);
  });
});
