import { readFile } from 'node:fs/promises';
import { bundledCli, cli, workspace } from './helpers.js';

const version = (JSON.parse(await readFile('package.json', 'utf8')) as { version: string }).version;

describe('the command line itself', () => {
  test.each(['--version', '-v'])('%s prints the version, from the sources and from the bundle', async (flag) => {
    const dir = await workspace();
    expect(await cli(dir, flag)).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect(await bundledCli(dir, [flag])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  test.each([
    [['lock', '--frobnicate'], 'unknown option --frobnicate'],
    [['lock', '-x'], 'unknown option -x'],
    [['lock', '--lockfile'], '--lockfile needs a value'],
    [['lcok'], 'unknown command "lcok"']
  ])('%j is one line and a hint to --help, exit 2', async (args, message) => {
    const result = await cli(await workspace(), ...args);
    expect(result).toEqual({ code: 2, stdout: '', stderr: `image-lock: ${message}; run image-lock --help for the commands and options\n` });
  });
});
