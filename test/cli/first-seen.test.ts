import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadTestEnv } from '../env/env.js';
import type { Lockfile } from '../../src/lockfile/lockfile.js';
import { cliAt, workspace } from './helpers.js';
import { pushRelease, twoPlatforms } from './releases.js';

const host = loadTestEnv().registries.anonymous.host;
const lockfileText = (dir: string) => readFile(join(dir, 'image-lock.json'), 'utf8');

describe('the lockfile’s firstSeen days', () => {
  test('a lockfile written before the field keeps working: no day is made up for a digest it holds; a new digest gets today', async () => {
    const ref = `${host}/first-seen/old:1`;
    const first = await pushRelease('first-seen/old', '1', twoPlatforms('old a', 'old a'));
    const dir = await workspace({ Dockerfile: `FROM ${ref}@${first.digest}\n` });
    expect((await cliAt('2026-01-01', dir, 'lock')).code).toBe(0);
    const old = (await lockfileText(dir)).replace(/\n\s*"firstSeen": "2026-01-01",/, '');
    expect(old).not.toContain('firstSeen');
    await writeFile(join(dir, 'image-lock.json'), old);
    expect((await cliAt('2026-02-01', dir, 'verify', '--drift', 'error')).code).toBe(0);
    expect((await cliAt('2026-02-01', dir, 'lock')).code).toBe(0);
    expect(await lockfileText(dir)).toBe(old);

    const second = await pushRelease('first-seen/old', '1', twoPlatforms('old b', 'old b'));
    expect((await cliAt('2026-02-02', dir, 'update')).code).toBe(0);
    expect(JSON.parse(await lockfileText(dir)).images[`${ref}@${second.digest}`].firstSeen).toBe('2026-02-02');
  });

  test('a held digest’s day is kept while the tag stays there, restarts when it moves on, and goes when the tag is back at the pin', async () => {
    const ref = `${host}/first-seen/back:1`;
    const first = await pushRelease('first-seen/back', '1', twoPlatforms('back a', 'back a'));
    const dir = await workspace({ Dockerfile: `FROM ${ref}@${first.digest}\n` });
    expect((await cliAt('2026-04-01', dir, 'lock')).code).toBe(0);
    const locked = await lockfileText(dir);
    const pendingOf = async (): Promise<unknown> =>
      (JSON.parse(await lockfileText(dir)) as Lockfile).images[`${ref}@${first.digest}`].pending;

    const second = await pushRelease('first-seen/back', '1', twoPlatforms('back b', 'back b'));
    await cliAt('2026-04-02', dir, 'update', '--cooldown', '7');
    expect(await pendingOf()).toEqual({ digest: second.digest, firstSeen: '2026-04-02' });
    await cliAt('2026-04-05', dir, 'update', '--cooldown', '7');
    expect(await pendingOf()).toEqual({ digest: second.digest, firstSeen: '2026-04-02' });
    // A lock run keeps it too: it is the pin's state, not the resolution's.
    await cliAt('2026-04-05', dir, 'lock');
    expect(await pendingOf()).toEqual({ digest: second.digest, firstSeen: '2026-04-02' });

    const third = await pushRelease('first-seen/back', '1', twoPlatforms('back c', 'back c'));
    await cliAt('2026-04-06', dir, 'update', '--cooldown', '7');
    expect(await pendingOf()).toEqual({ digest: third.digest, firstSeen: '2026-04-06' });

    await pushRelease('first-seen/back', '1', twoPlatforms('back a', 'back a'));
    const back = await cliAt('2026-04-07', dir, 'update', '--cooldown', '7', '--json');
    expect(JSON.parse(back.stdout)).toMatchObject({ updated: [], skipped: [], unchanged: [`${ref}@${first.digest}`] });
    expect(await lockfileText(dir)).toBe(locked);
  });

  test('IMAGE_LOCK_NOW that is not a time is bad input (exit 2)', async () => {
    const result = await cliAt('soon', await workspace(), 'lock', '--image', `${host}/first-seen/old:1`);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('invalid IMAGE_LOCK_NOW "soon": expected a day such as 2026-12-05, or an ISO time');
  });
});
