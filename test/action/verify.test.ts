import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadTestEnv } from '../env/env.js';
import { cli, workspace } from '../cli/helpers.js';
import { pushOwnImage } from '../cli/own-images.js';
import { runAction } from './run-action.js';

const env = loadTestEnv();
const host = env.registries.anonymous.host;
const app = `${host}/verify-action/app:1.0`;
const tool = `${host}/verify-action/tool:2.0`;
const short = (digest: string) => `<code>${digest.slice(0, 19)}…</code>`;

describe('the action, mode verify', () => {
  test('an unchanged lockfile passes, with the findings as annotations and the findings output', async () => {
    await pushOwnImage('verify-action/app', '1.0', 'unchanged');
    const dir = await workspace({ Dockerfile: `FROM ${app}\n`, 'compose.yaml': `services:\n  web:\n    image: ${app}\n` });
    await cli(dir, 'lock');
    const run = await runAction('main', dir, { mode: 'verify' });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ lockfile: 'image-lock.json', changed: 'false', findings: '2' });
    expect(run.stdout).toContain(`::warning title=image-lock mutable,file=compose.yaml,line=3::${app} is not pinned by digest`);
    expect(run.summary).toContain('image-lock verify');
    expect(run.summary).toContain('unchanged');
  });

  test('drift, a new reference and an unused entry fail the step, each annotated on its file and line; the summary shows old and new digest', async () => {
    const old = await pushOwnImage('verify-action/app', '1.0', 'locked build');
    await pushOwnImage('verify-action/tool', '2.0');
    const dir = await workspace({ Dockerfile: `FROM ${app}\n`, 'compose.yaml': `services:\n  tool:\n    image: ${tool}\n` });
    await cli(dir, 'lock');
    const current = await pushOwnImage('verify-action/app', '1.0', 'rebuilt');
    await writeFile(join(dir, 'Dockerfile'), `FROM ${app}\nCOPY --from=${host}/verify-action/app:1.1 /x /x\n`);
    await writeFile(join(dir, 'compose.yaml'), 'services: {}\n');

    const run = await runAction('main', dir, { mode: 'verify', drift: 'error', mutable: 'ignore' });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`::error title=image-lock,file=Dockerfile,line=1::${app} now points to ${current}, not the locked ${old}`);
    expect(run.stdout).toContain(
      `::error title=image-lock,file=Dockerfile,line=2::${host}/verify-action/app:1.1 is not in the lockfile image-lock.json`
    );
    expect(run.stdout).toMatch(
      new RegExp(
        `::error title=image-lock,file=image-lock.json,line=\\d+::${tool.replace(/\./g, '\\.')} is in image-lock.json but no longer used`
      )
    );
    expect(run.stdout).toContain('::error::image-lock verify failed: ');
    expect(run.outputs.findings).toBe('0');
    expect(run.summary).toContain(`${short(old)} → ${short(current)}`);
    expect(run.summary).toContain('No longer used');
    expect(run.summary).toContain(`<strong>error</strong>: line 2 ${host}/verify-action/app:1.1 is not in the lockfile`);
    expect(run.summary).toContain('<summary>Dockerfile (2)</summary>');
    expect(run.summary).not.toMatch(/<td><td>/);
  });
});
