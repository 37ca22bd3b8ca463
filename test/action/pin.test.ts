import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadTestEnv } from '../env/env.js';
import { workspace } from '../cli/helpers.js';
import { pushOwnImage } from '../cli/own-images.js';
import { runAction } from './run-action.js';

const env = loadTestEnv();
const host = env.registries.anonymous.host;

describe('the action, mode pin', () => {
  test('rewrites the files and the lockfile, reports what it pinned and what it left, and verify passes after', async () => {
    const digest = await pushOwnImage('pin-action/base', '3.1');
    const base = `${host}/pin-action/base:3.1`;
    const dir = await workspace({
      Dockerfile: `ARG VERSION=3.1\nFROM ${base} AS build\nFROM ${host}/pin-action/base:\${VERSION}\n`,
      'compose.yaml': `services:\n  web:\n    image: "${base}" # pinned by image-lock\n`
    });
    const run = await runAction('main', dir, { mode: 'pin' });
    expect(run.code).toBe(0);
    expect(await readFile(join(dir, 'Dockerfile'), 'utf8')).toBe(
      `ARG VERSION=3.1\nFROM ${base}@${digest} AS build\nFROM ${host}/pin-action/base:\${VERSION}\n`
    );
    expect(await readFile(join(dir, 'compose.yaml'), 'utf8')).toBe(
      `services:\n  web:\n    image: "${base}@${digest}" # pinned by image-lock\n`
    );
    expect(run.outputs.changed).toBe('true');
    expect(JSON.parse(run.outputs.digests)).toEqual({ [base]: digest, [`${base}@${digest}`]: digest });
    expect(run.stdout).toContain(
      `::warning title=image-lock,file=Dockerfile,line=3::${base} was not pinned: it is not written out literally`
    );
    expect(run.summary).toContain('Pinned');
    expect(run.summary).toContain(`compose.yaml:3 <code>${base}</code> → <code>${base}@${digest}</code>`);

    expect((await runAction('main', dir, { mode: 'verify', summary: 'false' })).code).toBe(0);
  });
});
