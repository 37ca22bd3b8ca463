import { spawnSync } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readFile, readdir, readlink, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalError } from '../../src/errors.js';
import { writeFileAtomic } from '../../src/fs/atomic.js';
import { removeStaleTemps } from '../../src/fs/temp-files.js';
import { fillDisk, mountTmpfs } from './tmpfs.js';

const scratch = () => mkdtemp(join(tmpdir(), 'atomic-'));
/** The pid of a process that has exited: what a killed run leaves in its temporary names. */
const deadPid = () => spawnSync('true').pid;
const HOUR_AGO = new Date(Date.now() - 2 * 60 * 60 * 1000);
const MINUTES_AGO = new Date(Date.now() - 10 * 60 * 1000);

describe('writeFileAtomic', () => {
  test('keeps the mode and owner of the file it replaces', async () => {
    const dir = await scratch();
    const path = join(dir, 'image-lock.json');
    await writeFile(path, 'old\n');
    await chmod(path, 0o640);
    await chown(path, 1234, 2345);
    await writeFileAtomic(path, 'new\n');
    const after = await stat(path);
    expect({ mode: after.mode & 0o7777, uid: after.uid, gid: after.gid }).toEqual({ mode: 0o640, uid: 1234, gid: 2345 });
    expect(await readFile(path, 'utf8')).toBe('new\n');
    expect(await readdir(dir)).toEqual(['image-lock.json']);
  });

  test('writes through a symbolic link to its target inside the root; the link stays', async () => {
    const root = await scratch();
    await mkdir(join(root, 'locks'));
    await writeFile(join(root, 'locks', 'real.json'), 'old\n');
    await symlink('locks/real.json', join(root, 'image-lock.json'));
    await writeFileAtomic(join(root, 'image-lock.json'), 'new\n', { roots: [root] });
    expect(await readlink(join(root, 'image-lock.json'))).toBe('locks/real.json');
    expect(await readFile(join(root, 'locks', 'real.json'), 'utf8')).toBe('new\n');
  });

  test('refuses a target outside the root, by real path, and leaves it alone', async () => {
    const root = await scratch();
    const outside = join(await scratch(), 'outside.json');
    await writeFile(outside, 'theirs\n');
    await symlink(outside, join(root, 'image-lock.json'));
    const write = (path: string) => writeFileAtomic(path, 'new\n', { roots: [root], label: 'image-lock.json' });
    await expect(write(join(root, 'image-lock.json'))).rejects.toThrow(LocalError);
    await expect(write(join(root, 'image-lock.json'))).rejects.toThrow(`image-lock.json is ${outside}, outside`);
    await expect(write(join(root, '..', 'escape.json'))).rejects.toThrow('outside');
    await symlink(join(outside, '..'), join(root, 'linked-dir'));
    await expect(write(join(root, 'linked-dir', 'new.json'))).rejects.toThrow('outside');
    expect(await readFile(outside, 'utf8')).toBe('theirs\n');
  });

  test('a file whose name starts with two dots is inside the root', async () => {
    const root = await scratch();
    await writeFileAtomic(join(root, '..image-lock.json'), 'new\n', { roots: [root] });
    expect(await readFile(join(root, '..image-lock.json'), 'utf8')).toBe('new\n');
  });

  test('a full disk is a LocalError naming the path; the old file stays whole and no temporary file is left', async () => {
    const disk = await mountTmpfs(1 << 20);
    try {
      const path = join(disk.dir, 'image-lock.json');
      await writeFile(path, 'old\n');
      await fillDisk(disk.dir, 16 * 1024);
      const error = await writeFileAtomic(path, Buffer.alloc(256 * 1024, 'x'), { label: 'the lockfile image-lock.json' }).catch(
        (e: unknown) => e
      );
      expect(error).toBeInstanceOf(LocalError);
      expect((error as Error).message).toBe('cannot write the lockfile image-lock.json: no space left on the device (ENOSPC)');
      expect(await readFile(path, 'utf8')).toBe('old\n');
      expect((await readdir(disk.dir)).sort()).toEqual(['filler', 'image-lock.json']);
    } finally {
      await disk.unmount();
    }
  });

  test('clears the temporary files a killed write left beside its target, not a live run’s or anyone else’s', async () => {
    const dir = await scratch();
    const path = join(dir, 'image-lock.json');
    const names = {
      killed: `.image-lock.json.${deadPid()}.0123456789ab.tmp`,
      olderVersion: '.image-lock.json.0123456789ab.tmp',
      running: `.image-lock.json.${process.ppid}.0123456789ab.tmp`,
      abandoned: `.image-lock.json.${process.ppid}.ba9876543210.tmp`,
      fresh: `.image-lock.json.${deadPid()}.aaaaaaaaaaaa.tmp`,
      usersOwn: '.image-lock.json.orig'
    };
    for (const name of Object.values(names)) await writeFile(join(dir, name), 'partial');
    for (const name of [names.killed, names.olderVersion, names.running, names.usersOwn])
      await utimes(join(dir, name), MINUTES_AGO, MINUTES_AGO);
    await utimes(join(dir, names.abandoned), HOUR_AGO, HOUR_AGO);
    await writeFileAtomic(path, 'new\n');
    expect((await readdir(dir)).sort()).toEqual([names.running, names.fresh, names.usersOwn, 'image-lock.json'].sort());
  });

  test('removeStaleTemps finds nothing in a folder that does not exist', async () => {
    expect(await removeStaleTemps(join(tmpdir(), 'no-such-folder-here'), '.x')).toBe(0);
  });
});
