import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadTestEnv, registryLog } from '../env/env.js';
import { startRegistryFront } from '../remote/registry-front.js';
import { parseCommandOptions } from '../../src/commands/options.js';
import { silentLog } from '../../src/commands/log.js';
import { createRegistryClient } from '../../src/commands/registry.js';
import { update } from '../../src/commands/update.js';
import { parseUpdateOptions } from '../../src/commands/update-options.js';
import { cli, cliAt, workspace } from './helpers.js';
import { pushRelease, twoPlatforms } from './releases.js';

const env = loadTestEnv();
const host = env.registries.anonymous.host;
const log = registryLog('anonymous');
// Only this file uses these repositories, so what the registry logs for them is ours.
const ownRequests = async () =>
  (await log.requests()).filter((request) => request.path.startsWith('/v2/update-cli/')).map(({ method, path }) => `${method} ${path}`);

async function read(dir: string, paths: string[]): Promise<Record<string, string>> {
  return Object.fromEntries(await Promise.all(paths.map(async (path) => [path, await readFile(join(dir, path), 'utf8')] as const)));
}

describe('image-lock update', () => {
  test('follows a moved tag: only the changed platform is new; files and lockfile move, a second run changes no byte', async () => {
    const app = `${host}/update-cli/app:1.0`;
    const first = await pushRelease('update-cli/app', '1.0', twoPlatforms('amd64 1.0.0', 'arm64 1.0.0'));
    const tool = await pushRelease('update-cli/tool', '2.0', twoPlatforms('tool amd64', 'tool arm64'));
    const dir = await workspace({
      Dockerfile: `# build\nFROM ${app}@${first.digest} AS build\nFROM ${host}/update-cli/tool@${tool.digest}\n`,
      'deploy/compose.yaml': `services:\n  web:\n    image: "${app}@${first.digest}"   # pinned\n`
    });
    expect((await cli(dir, 'lock')).code).toBe(0);

    // A fixed arm64 build under the same tag; amd64 is the same image as before.
    const second = await pushRelease('update-cli/app', '1.0', twoPlatforms('amd64 1.0.0', 'arm64 1.0.1 with a fix'));
    await log.resetRequests();
    const result = await cliAt('2026-02-03', dir, 'update', '--json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.updated).toEqual([
      expect.objectContaining({
        reference: app,
        from: first.digest,
        to: second.digest,
        status: 'updated',
        created: '2024-01-01T00:00:00.000Z',
        platforms: [
          {
            platform: 'linux/amd64',
            status: 'unchanged',
            from: first.platforms['linux/amd64'],
            to: second.platforms['linux/amd64'],
            size: second.sizes['linux/amd64'],
            previousSize: first.sizes['linux/amd64'],
            newLayers: 0
          },
          {
            platform: 'linux/arm64/v8',
            status: 'changed',
            from: first.platforms['linux/arm64/v8'],
            to: second.platforms['linux/arm64/v8'],
            size: second.sizes['linux/arm64/v8'],
            previousSize: first.sizes['linux/arm64/v8'],
            newLayers: 1
          }
        ]
      })
    ]);
    expect(report.untracked).toEqual([`${host}/update-cli/tool@${tool.digest}`]);
    expect(report.changed).toBe(true);

    // One HEAD for the tag; GETs by digest for the new image and the pinned arm64 manifest, never the tag.
    const requests = await ownRequests();
    expect(requests.filter((request) => request.includes('/manifests/')).sort()).toEqual(
      [
        'HEAD /v2/update-cli/app/manifests/1.0',
        `GET /v2/update-cli/app/manifests/${second.digest}`,
        `GET /v2/update-cli/app/manifests/${second.platforms['linux/amd64']}`,
        `GET /v2/update-cli/app/manifests/${second.platforms['linux/arm64/v8']}`,
        `GET /v2/update-cli/app/manifests/${first.platforms['linux/arm64/v8']}`
      ].sort()
    );
    // The new image's two configs, for their `created`; no layer.
    expect(requests.filter((request) => request.includes('/blobs/'))).toHaveLength(2);

    // Formatting kept; only the digest changes, everywhere the pin was used.
    expect(await read(dir, ['Dockerfile', 'deploy/compose.yaml'])).toEqual({
      Dockerfile: `# build\nFROM ${app}@${second.digest} AS build\nFROM ${host}/update-cli/tool@${tool.digest}\n`,
      'deploy/compose.yaml': `services:\n  web:\n    image: "${app}@${second.digest}"   # pinned\n`
    });
    const lockfile = JSON.parse(await readFile(join(dir, 'image-lock.json'), 'utf8'));
    expect(Object.keys(lockfile.images).sort()).toEqual([`${app}@${second.digest}`, `${host}/update-cli/tool@${tool.digest}`]);
    expect(lockfile.images[`${app}@${second.digest}`]).toEqual({
      digest: second.digest,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      platforms: second.platforms,
      firstSeen: '2026-02-03',
      sources: ['Dockerfile', 'deploy/compose.yaml']
    });
    expect((await cli(dir, 'verify', '--drift', 'error')).code).toBe(0);

    const before = await read(dir, ['Dockerfile', 'deploy/compose.yaml', 'image-lock.json']);
    await log.resetRequests();
    const again = await cli(dir, 'update');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Updated 0 images, 0 left for now, 1 unchanged');
    expect(await read(dir, Object.keys(before))).toEqual(before);
    expect(await ownRequests()).toEqual(['HEAD /v2/update-cli/app/manifests/1.0']);
  });

  test('text output and the Markdown report say per platform what changed, its size and new layers', async () => {
    const ref = `${host}/update-cli/web:3.1`;
    const first = await pushRelease('update-cli/web', '3.1', twoPlatforms('web amd64 a', 'web arm64 a'));
    const dir = await workspace({ Dockerfile: `FROM ${ref}@${first.digest}\n` });
    await pushRelease('update-cli/web', '3.1', [
      { platform: { os: 'linux', architecture: 'amd64' }, content: 'web amd64 b' },
      { platform: { os: 'linux', architecture: 's390x' }, content: 'web s390x' }
    ]);
    const result = await cli(dir, 'update', '--report', 'update.md');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`  ${ref}\n    ${first.digest} -> sha256:`);
    expect(result.stdout).toContain('1 of 1 platform changed, 1 added, 1 removed; built 2024-01-01');
    expect(result.stdout).toMatch(/linux\/amd64 +changed +\d+(\.\d)? [kB]+ \([+-±]/);
    expect(result.stdout).toMatch(/linux\/s390x +added +\d+(\.\d)? [kB]+ \(new\), 2 new layers/);
    expect(result.stdout).toContain('linux/arm64/v8           removed');
    expect(result.stdout).toContain(`updated Dockerfile:1 ${ref}@${first.digest} -> ${ref}@sha256:`);
    expect(result.stdout).toContain('Report written to update.md');
    const markdown = await readFile(join(dir, 'update.md'), 'utf8');
    expect(markdown).toContain(`### \`${ref}\``);
    expect(markdown).toContain('| Platform | Change | Size | Size change | New layers |');
    expect(markdown).toMatch(/\| linux\/amd64 \| changed \| [\d.]+ k?B \| [+-±][^|]* \| 1 \|/);
    expect(markdown).toContain('In Dockerfile:1.');
  });

  test('a report path that cannot be written is refused before any registry request (exit 2)', async () => {
    const dir = await workspace({ Dockerfile: `FROM ${host}/update-cli/app:1.0@sha256:${'0'.repeat(64)}\n` });
    const result = await cli(dir, 'update', '--report', '../no-such-folder/update.md');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cannot write the report \.\.\/no-such-folder\/update\.md in /);
  });

  test('cooldown: counted from the later of created and the first-seen day the lockfile keeps, so back-dated or missing dates wait too', async () => {
    const cool = `${host}/update-cli/cool:1.0`;
    const first = await pushRelease('update-cli/cool', '1.0', twoPlatforms('cool a', 'cool a', '2023-06-01T00:00:00Z'));
    const dir = await workspace({ Dockerfile: `FROM ${cool}@${first.digest}\n` });
    expect((await cliAt('2026-06-01', dir, 'lock')).code).toBe(0);
    const dockerfile = await readFile(join(dir, 'Dockerfile'), 'utf8');
    const lockfileText = () => readFile(join(dir, 'image-lock.json'), 'utf8');

    // Built two days ago, first seen today: held 7 days from today, and the day is remembered.
    const young = await pushRelease('update-cli/cool', '1.0', twoPlatforms('cool b', 'cool b', '2026-06-08T12:00:00Z'));
    const waited = await cliAt('2026-06-10T12:00:00Z', dir, 'update', '--cooldown', '7', '--json');
    expect(waited.code).toBe(0);
    expect(JSON.parse(waited.stdout)).toMatchObject({
      updated: [],
      changed: true,
      skipped: [
        {
          reference: cool,
          from: first.digest,
          to: young.digest,
          status: 'cooldown',
          eligibleOn: '2026-06-17',
          ageDays: 2,
          firstSeen: '2026-06-10'
        }
      ]
    });
    expect(await readFile(join(dir, 'Dockerfile'), 'utf8')).toBe(dockerfile);
    const held = await lockfileText();
    expect(JSON.parse(held).images[`${cool}@${first.digest}`]).toMatchObject({
      firstSeen: '2026-06-01',
      pending: { digest: young.digest, firstSeen: '2026-06-10' }
    });
    const later = await cliAt('2026-06-10T23:00:00Z', dir, 'update', '--cooldown', '7');
    expect(later.stdout).toContain(`first seen 2026-06-10); eligible on 2026-06-17`);
    expect(await lockfileText()).toBe(held);
    // A day after it was first seen, a 1-day cooldown takes it; its first-seen day goes with it.
    const taken = JSON.parse((await cliAt('2026-06-11', dir, 'update', '--cooldown', '1', '--json')).stdout);
    expect(taken.updated).toEqual([expect.objectContaining({ to: young.digest, firstSeen: '2026-06-10' })]);
    expect(JSON.parse(await lockfileText()).images).toEqual({
      [`${cool}@${young.digest}`]: expect.objectContaining({ digest: young.digest, firstSeen: '2026-06-10', sources: ['Dockerfile'] })
    });

    // Back-dated by its publisher: the first-seen day counts, and holds it to the day.
    const backdated = await pushRelease('update-cli/cool', '1.0', twoPlatforms('cool c', 'cool c', '2020-01-01T00:00:00Z'));
    const backdatedHeld = JSON.parse((await cliAt('2026-06-12', dir, 'update', '--cooldown', '7', '--json')).stdout);
    expect(backdatedHeld.skipped).toEqual([
      expect.objectContaining({ to: backdated.digest, status: 'cooldown', eligibleOn: '2026-06-19' })
    ]);
    expect((await cliAt('2026-06-18T23:59:59Z', dir, 'update', '--cooldown', '7', '--json')).stdout).toContain('"status": "cooldown"');
    const backdatedTaken = JSON.parse((await cliAt('2026-06-19', dir, 'update', '--cooldown', '7', '--json')).stdout);
    expect(backdatedTaken.updated).toEqual([expect.objectContaining({ to: backdated.digest })]);

    // No date at all: held from its first-seen day; --cooldown-unknown take lets it in at once.
    const unknown = await pushRelease('update-cli/cool', '1.0', twoPlatforms('cool d', 'cool d', null));
    const skipped = JSON.parse((await cliAt('2026-06-20', dir, 'update', '--cooldown', '7', '--json')).stdout);
    expect(skipped.skipped).toEqual([expect.objectContaining({ to: unknown.digest, status: 'cooldown', eligibleOn: '2026-06-27' })]);
    expect(skipped.skipped[0].created).toBeUndefined();
    const takenUnknown = JSON.parse(
      (await cliAt('2026-06-20', dir, 'update', '--cooldown', '7', '--cooldown-unknown', 'take', '--json')).stdout
    );
    expect(takenUnknown.updated).toEqual([expect.objectContaining({ to: unknown.digest, status: 'updated' })]);
    expect(await readFile(join(dir, 'Dockerfile'), 'utf8')).toBe(`FROM ${cool}@${unknown.digest}\n`);
  });

  test('a pin only the lockfile holds moves in the lockfile; a given one too, with a warning to change the input', async () => {
    const first = await pushRelease('update-cli/given', '5', twoPlatforms('given a', 'given a'));
    const pinned = `${host}/update-cli/given:5@${first.digest}`;
    const dir = await workspace();
    expect((await cli(dir, 'lock', '--image', pinned)).code).toBe(0);
    const second = await pushRelease('update-cli/given', '5', twoPlatforms('given b', 'given a'));
    const moved = `${host}/update-cli/given:5@${second.digest}`;
    const given = await cli(dir, 'update', '--image', pinned, '--lockfile', 'given.json');
    expect(given.stderr).toContain(`warning: ${pinned} was given as an input and cannot be rewritten: use ${moved} from now on`);

    const result = JSON.parse((await cli(dir, 'update', '--json')).stdout);
    expect(result.updated).toEqual([expect.objectContaining({ from: first.digest, to: second.digest })]);
    const lockfile = JSON.parse(await readFile(join(dir, 'image-lock.json'), 'utf8'));
    expect(Object.keys(lockfile.images)).toEqual([moved]);
    expect(lockfile.images[moved]).toMatchObject({ digest: second.digest, sources: [] });
  });

  test('drift: verify reports a pinned tag that moved on the file and line, at the drift level', async () => {
    const first = await pushRelease('update-cli/drift', '2.1', twoPlatforms('drift a', 'drift a'));
    const pinned = `${host}/update-cli/drift:2.1@${first.digest}`;
    const dir = await workspace({ Dockerfile: `FROM ${pinned}\n`, 'compose.yaml': `services:\n  app:\n    image: ${pinned}\n` });
    expect((await cli(dir, 'lock')).code).toBe(0);
    await log.resetRequests();
    expect((await cli(dir, 'verify', '--drift', 'error')).code).toBe(0);
    expect(await ownRequests()).toEqual(['HEAD /v2/update-cli/drift/manifests/2.1']);

    const second = await pushRelease('update-cli/drift', '2.1', twoPlatforms('drift b', 'drift a'));
    const moved = `${pinned}: tag moved since this pin: run image-lock update (${host}/update-cli/drift:2.1 now points to ${second.digest})`;
    const warned = await cli(dir, 'verify');
    expect(warned.code).toBe(0);
    expect(warned.stderr).toContain(`Dockerfile:1: warning: ${moved}`);
    expect(warned.stderr).toContain(`compose.yaml:3: warning: ${moved}`);
    const failed = await cli(dir, 'verify', '--drift', 'error');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`Dockerfile:1: error: ${moved}`);
    await log.resetRequests();
    expect((await cli(dir, 'verify', '--drift', 'ignore')).code).toBe(0);
    expect(await ownRequests()).toEqual([]);
  });

  test('--newer lists newer tags of the same shape and suffix and rewrites nothing', async () => {
    const tags = ['1.9', '1.10', '2.0', '1.10.1', '1.10-alpine', '1.9-alpine', 'latest', 'v2.0'];
    for (const tag of tags) await pushRelease('update-cli/versions', tag, twoPlatforms(`versions ${tag}`, `versions ${tag}`));
    const current = await pushRelease('update-cli/versions', '1.9', twoPlatforms('versions 1.9', 'versions 1.9'));
    const alpine = await pushRelease('update-cli/versions', '1.9-alpine', twoPlatforms('versions 1.9-alpine', 'versions 1.9-alpine'));
    const latest = await pushRelease('update-cli/versions', 'latest', twoPlatforms('versions latest', 'versions latest'));
    const files = {
      Dockerfile: [
        `FROM ${host}/update-cli/versions:1.9@${current.digest}`,
        `FROM ${host}/update-cli/versions:1.9-alpine@${alpine.digest}`,
        `FROM ${host}/update-cli/versions:latest@${latest.digest}`,
        ''
      ].join('\n')
    };
    const dir = await workspace(files);
    const result = await cli(dir, 'update', '--newer', '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      newer: [
        { reference: `${host}/update-cli/versions:1.9`, newer: ['1.10', '2.0'] },
        { reference: `${host}/update-cli/versions:1.9-alpine`, newer: ['1.10-alpine'] }
      ],
      notes: [],
      updated: []
    });
    expect(await read(dir, ['Dockerfile'])).toEqual(files);
    expect((await cli(dir, 'update', '--newer')).stdout).toContain(`newer than ${host}/update-cli/versions:1.9: 1.10, 2.0 (not applied)`);
  });
});

test('update --newer through a registry that refuses to list tags: a note, and the update still runs', async () => {
  const front = await startRegistryFront(env.registries.anonymous.url, 'refuse');
  try {
    const first = await pushRelease('update-cli/refused', '1.0', twoPlatforms('refused a', 'refused a'));
    const dir = await workspace({ Dockerfile: `FROM ${front.host}/update-cli/refused:1.0@${first.digest}\n` });
    const second = await pushRelease('update-cli/refused', '1.0', twoPlatforms('refused b', 'refused b'));
    const result = await cli(dir, 'update', '--newer', '--json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.notes).toEqual([expect.stringMatching(/tags of .*update-cli\/refused could not be listed.*HTTP 403.*DENIED/)]);
    expect(report.updated).toEqual([expect.objectContaining({ to: second.digest })]);
    expect(front.tagRequests).toEqual(['']);
  } finally {
    await front.stop();
  }
});

test('Docker Hub: a tag that did not move costs one HEAD, counted at the registry; one that moved, GETs by digest only', async () => {
  // The registries share their storage: pushed to the anonymous one, served by the Docker Hub stand-in.
  const first = await pushRelease('update-hub/app', '1.0', twoPlatforms('hub a', 'hub a'));
  const dir = await workspace({ Dockerfile: `FROM update-hub/app:1.0@${first.digest}\n` });
  const hub = registryLog('dockerhub');
  const run = async () => {
    const options = parseUpdateOptions(parseCommandOptions({ cwd: dir }), {});
    const client = createRegistryClient(options, { overrides: { 'registry-1.docker.io': env.registries.dockerhub.url } });
    await hub.resetRequests();
    const report = await update(options, silentLog, client);
    const manifests = (await hub.requests())
      .filter((request) => request.path.startsWith('/v2/update-hub/') && request.status < 400)
      .map(({ method, path }) => `${method} ${path}`);
    return { report, manifests };
  };

  const still = await run();
  expect(still.report.unchanged).toEqual([`docker.io/update-hub/app:1.0@${first.digest}`]);
  expect(still.manifests).toEqual(['HEAD /v2/update-hub/app/manifests/1.0']);
  expect(still.report.rateLimits['docker.io']).toMatchObject({ limit: 100, remaining: 97 });

  const second = await pushRelease('update-hub/app', '1.0', twoPlatforms('hub b', 'hub a'));
  const moved = await run();
  expect(moved.report.updated).toEqual([expect.objectContaining({ reference: 'docker.io/update-hub/app:1.0', to: second.digest })]);
  expect(moved.manifests[0]).toBe('HEAD /v2/update-hub/app/manifests/1.0');
  // Never a GET of the tag: each GET names the digest it wants.
  expect(
    moved.manifests.filter((request) => request.startsWith('GET ') && request.includes('/manifests/') && !request.includes('sha256:'))
  ).toEqual([]);
  expect(await readFile(join(dir, 'Dockerfile'), 'utf8')).toBe(`FROM update-hub/app:1.0@${second.digest}\n`);
});
