import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadTestEnv } from '../env/env.js';
import { workspace } from '../cli/helpers.js';
import { runAction } from './run-action.js';

const env = loadTestEnv();
const host = env.registries.anonymous.host;
const LOCKED = '{"lockfileVersion": 1, "images": {}}\n';

describe('the action stays inside its workspace', () => {
  test('a lockfile outside the workspace is refused, neither read nor quoted nor written', async () => {
    const parent = await workspace({ 'outside.json': '{"token": "secret-in-outside-file"}' });
    const dir = join(parent, 'repo');
    await mkdir(dir);
    await writeFile(join(dir, 'Dockerfile'), `FROM ${host}/multi/app:1.0\n`);
    const run = await runAction('main', dir, { lockfile: '../outside.json' });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`::error::the lockfile ../outside.json is ${join(parent, 'outside.json')}, outside ${dir}`);
    expect(run.stdout).not.toContain('secret-in-outside-file');
    expect(await readFile(join(parent, 'outside.json'), 'utf8')).toBe('{"token": "secret-in-outside-file"}');
  });

  test('a lockfile in RUNNER_TEMP is written there (the workspace and the runner temporary folder are both allowed)', async () => {
    const dir = await workspace({ Dockerfile: `FROM ${host}/multi/app:1.0\n` });
    const runnerTemp = await workspace();
    const run = await runAction('main', dir, { lockfile: join(runnerTemp, 'image-lock.json') }, { RUNNER_TEMP: runnerTemp });
    expect(run.code).toBe(0);
    expect(Object.keys(JSON.parse(await readFile(join(runnerTemp, 'image-lock.json'), 'utf8')).images)).toEqual([`${host}/multi/app:1.0`]);
  });

  test.each([
    ['../../../etc/*', 'outside the repository'],
    ['deploy/**/*.yaml', 'no file matches deploy/**/*.yaml']
  ])('files %j fails instead of emptying the lockfile', async (files, reason) => {
    const dir = await workspace({ Dockerfile: `FROM ${host}/multi/app:1.0\n`, 'image-lock.json': LOCKED });
    const run = await runAction('main', dir, { files });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(reason);
    expect(await readFile(join(dir, 'image-lock.json'), 'utf8')).toBe(LOCKED);
  });

  test('timeout is an input; a bad one fails the step', async () => {
    const dir = await workspace({ Dockerfile: `FROM ${host}/multi/app:1.0\n` });
    const run = await runAction('main', dir, { timeout: 'soon' });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('::error::invalid timeout "soon"');
    expect((await runAction('main', dir, { timeout: '5' })).code).toBe(0);
  });
});
