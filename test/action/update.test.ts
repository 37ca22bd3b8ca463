import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadTestEnv } from '../env/env.js';
import { workspace } from '../cli/helpers.js';
import { pushRelease, twoPlatforms } from '../cli/releases.js';
import { runAction } from './run-action.js';

const env = loadTestEnv();
const host = env.registries.anonymous.host;

describe('the action, mode update', () => {
  test('moves the pins, sets updated and report, summarises what changed and what waits for the cooldown', async () => {
    const app = `${host}/update-action/app:1.4`;
    const db = `${host}/update-action/db:16`;
    const appFirst = await pushRelease('update-action/app', '1.4', twoPlatforms('app a', 'app a'));
    const dbFirst = await pushRelease('update-action/db', '16', twoPlatforms('db a', 'db a'));
    await pushRelease('update-action/app', '1.5', twoPlatforms('app 1.5', 'app 1.5'));
    const dir = await workspace({
      Dockerfile: `FROM ${app}@${appFirst.digest}\n`,
      'compose.yaml': `services:\n  db:\n    image: ${db}@${dbFirst.digest}\n`
    });
    expect((await runAction('main', dir, { mode: 'lock', summary: 'false' })).code).toBe(0);

    // First seen on 5 May, the app's new image is old enough for a 3-day cooldown on the 10th; the db's, first seen then, is not.
    const appSecond = await pushRelease('update-action/app', '1.4', twoPlatforms('app b', 'app a'));
    const seen = await runAction('main', dir, { mode: 'update', cooldown: '3', summary: 'false' }, { IMAGE_LOCK_NOW: '2026-05-05' });
    expect(JSON.parse(seen.outputs.updated)).toEqual([]);
    const dbSecond = await pushRelease('update-action/db', '16', twoPlatforms('db b', 'db b', '2026-05-09T00:00:00Z'));
    // The job's runner temporary folder, which the later step that reads the report shares.
    const runnerTemp = await workspace();
    const run = await runAction(
      'main',
      dir,
      { mode: 'update', cooldown: '3', newer: 'true' },
      { IMAGE_LOCK_NOW: '2026-05-10', RUNNER_TEMP: runnerTemp }
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(run.outputs.updated)).toEqual([{ reference: app, from: appFirst.digest, to: appSecond.digest }]);
    expect(run.outputs.changed).toBe('true');
    expect(await readFile(join(dir, 'Dockerfile'), 'utf8')).toBe(`FROM ${app}@${appSecond.digest}\n`);
    expect(await readFile(join(dir, 'compose.yaml'), 'utf8')).toContain(`${db}@${dbFirst.digest}`);

    // The report is outside the workspace, so that a step committing the workspace leaves it out.
    expect(run.outputs.report.startsWith(dir)).toBe(false);
    const markdown = await readFile(run.outputs.report, 'utf8');
    expect(markdown).toContain(`### \`${app}\``);
    expect(markdown).toContain(`\`${appFirst.digest}\` → \`${appSecond.digest}\``);
    expect(markdown).toMatch(/\| linux\/amd64 \| changed \| [^|]+ \| [^|]+ \| 1 \|/);
    expect(markdown).toContain('| linux/arm64/v8 | unchanged |');
    expect(markdown).toContain(`- \`${db}\` → \`${dbSecond.digest}\`: too new for the cooldown`);
    expect(markdown).toContain(`- \`${app}\`: \`1.5\``);

    expect(run.summary).toContain('<h3>Updates</h3>');
    expect(run.summary).toContain(
      `<code>${app}</code> <code>${appFirst.digest.slice(0, 19)}…</code> → <code>${appSecond.digest.slice(0, 19)}…</code>: 1 of 2 platforms changed`
    );
    expect(run.summary).toContain('<h3>Left for now</h3>');
    expect(run.summary).toContain(`<code>${db}</code> → <code>${dbSecond.digest.slice(0, 19)}…</code>: too new for the cooldown`);
    expect(run.summary).toContain('<h3>Newer versions (not applied)</h3>');

    const verified = await runAction('main', dir, { mode: 'verify', drift: 'error', summary: 'false' });
    expect(verified.code).toBe(1);
    expect(verified.stdout).toContain(
      `::error title=image-lock,file=compose.yaml,line=3::${db}@${dbFirst.digest}: tag moved since this pin: run image-lock update`
    );
  });

  test('platforms: a tag moved only for other platforms is left with the reason; a deleted tag is a warning on its line', async () => {
    const web = `${host}/update-action/web:2`;
    const first = await pushRelease('update-action/web', '2', twoPlatforms('web a', 'web a'));
    const kept = await pushRelease('update-action/kept', 'stays', twoPlatforms('kept a', 'kept a'));
    const gone = `${host}/update-action/kept:removed@${kept.digest}`;
    const dockerfile = `FROM ${web}@${first.digest}\nFROM ${gone}\n`;
    const dir = await workspace({ Dockerfile: dockerfile });
    const armOnly = await pushRelease('update-action/web', '2', twoPlatforms('web a', 'web b'));
    const run = await runAction('main', dir, { mode: 'update', platforms: 'linux/amd64' }, { IMAGE_LOCK_NOW: '2026-05-01' });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.outputs.updated)).toEqual([]);
    expect(await readFile(join(dir, 'Dockerfile'), 'utf8')).toBe(dockerfile);
    expect(run.summary).toContain(`<code>${web}</code> → <code>${armOnly.digest.slice(0, 19)}…</code>: moved for platforms not used here`);
    expect(run.stdout).toContain(
      `::warning title=image-lock,file=Dockerfile,line=2::tag ${host}/update-action/kept:removed no longer exists; the pin still works while the digest does`
    );
  });

  test('empty update inputs mean their defaults; a bad one fails before any request', async () => {
    const first = await pushRelease('update-action/plain', '2', twoPlatforms('plain a', 'plain a', null));
    const dir = await workspace({ Dockerfile: `FROM ${host}/update-action/plain:2@${first.digest}\n` });
    const second = await pushRelease('update-action/plain', '2', twoPlatforms('plain b', 'plain b', null));
    // No cooldown: an image of unknown age is taken.
    const run = await runAction('main', dir, { mode: 'update', cooldown: '', 'cooldown-unknown': '', newer: '' });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.outputs.updated)).toEqual([expect.objectContaining({ to: second.digest })]);
    const bad = await runAction('main', dir, { mode: 'update', cooldown: 'soon' });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('::error::invalid cooldown "soon": expected a number of days, 0 or more');
  });
});
