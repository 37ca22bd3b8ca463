import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadTestEnv } from '../env/env.js';
import { workspace } from '../cli/helpers.js';
import { runAction } from './run-action.js';

const env = loadTestEnv();
const host = env.registries.anonymous.host;
const app = env.fixtures.images['multi/app:1.0'];

describe('the action, mode lock', () => {
  test('writes the lockfile, the outputs and the summary; annotations on file and line', async () => {
    const dir = await workspace({
      Dockerfile: `FROM ${host}/multi/app:1.0\n`,
      'compose.yaml': `services:\n  db:\n    image: ${host}/docker/v2:1.0\n`
    });
    const run = await runAction('main', dir, { images: `${host}/multi/app:latest`, files: 'Dockerfile\ncompose.yaml' });
    expect(run.code).toBe(0);
    const lockfile = JSON.parse(await readFile(join(dir, 'image-lock.json'), 'utf8'));
    expect(Object.keys(lockfile.images)).toEqual([`${host}/docker/v2:1.0`, `${host}/multi/app:1.0`, `${host}/multi/app:latest`]);
    expect(run.outputs.lockfile).toBe('image-lock.json');
    expect(run.outputs.changed).toBe('true');
    expect(JSON.parse(run.outputs.digests)).toMatchObject({ [`${host}/multi/app:1.0`]: app.digest });
    expect(run.outputs.findings).toBe('4');
    expect(run.stdout).toContain(
      `::warning title=image-lock mutable,file=Dockerfile,line=1::${host}/multi/app:1.0 is not pinned by digest; use ${host}/multi/app:1.0@${app.digest}`
    );
    expect(run.summary).toContain('<table>');
    expect(run.summary).toContain(`${host}/multi/app:1.0`);
    expect(run.summary).toContain('linux/amd64, linux/arm64/v8, linux/arm/v7');
    expect(run.summary).toContain('Dockerfile');
    const again = await runAction('main', dir, { images: `${host}/multi/app:latest`, files: 'Dockerfile\ncompose.yaml' });
    expect(again.outputs.changed).toBe('false');
  });

  test('latest: error fails the step with a clear message', async () => {
    const dir = await workspace();
    const run = await runAction('main', dir, { images: `${host}/multi/app`, latest: 'error', mutable: 'ignore', summary: 'false' });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('::error title=image-lock latest::');
    expect(run.stdout).toContain('::error::image-lock lock failed: 1 finding at level error');
    expect(run.summary).toBe('');
  });

  test('an invalid reference in a file is an error annotation on its line; the rest is locked; exclude drops paths', async () => {
    const dir = await workspace({
      Dockerfile: `FROM ${host}/multi/app:1.0\nFROM Bad:Ref\n`,
      'test/Dockerfile': 'FROM Also:Bad\n'
    });
    const run = await runAction('main', dir, { exclude: 'test/**', summary: 'false' });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      '::error title=image-lock invalid,file=Dockerfile,line=2::invalid image reference "Bad:Ref": repository name must be lowercase'
    );
    expect(run.stdout).not.toContain('Also:Bad');
    const lockfile = JSON.parse(await readFile(join(dir, 'image-lock.json'), 'utf8'));
    expect(Object.keys(lockfile.images)).toEqual([`${host}/multi/app:1.0`]);
  });

  test('bad input fails with the message, not a stack trace', async () => {
    const dir = await workspace();
    const run = await runAction('main', dir, { images: 'Bad:Ref', mode: 'lock' });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('::error::invalid image reference "Bad:Ref": repository name must be lowercase');
    expect(run.stdout).not.toMatch(/\n\s+at /);
    expect((await runAction('main', dir, { mode: 'launch' })).stdout).toContain('::error::invalid mode "launch"');
  });
});
