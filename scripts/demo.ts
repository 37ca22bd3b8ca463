// The demo: a local registry seeded with sample images stands in for Docker Hub and
// ghcr.io (as their mirror, so the lockfile keeps the canonical names), image-lock locks
// the examples/ folder, and the lockfile and the job summary are shown.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildImage, buildIndex, attestationEntry, pushImage, pushIndex, type Format, type Platform } from '../test/env/image.js';
import { tarLayer } from '../test/env/layers.js';
import { startRegistry } from '../test/env/registry.js';

const ROOT = process.cwd();
const AMD64: Platform = { os: 'linux', architecture: 'amd64' };
const ARM64: Platform = { os: 'linux', architecture: 'arm64', variant: 'v8' };
const ARMV7: Platform = { os: 'linux', architecture: 'arm', variant: 'v7' };

/** Sample images: repository, tags, format, platforms (one platform: a single manifest). */
const SAMPLES: [string, string[], Format, Platform[]][] = [
  ['library/nginx', ['1.25'], 'oci', [AMD64, ARM64, ARMV7]],
  ['library/node', ['20-alpine'], 'oci', [AMD64, ARM64]],
  ['library/redis', ['7.2'], 'docker', [AMD64, ARM64]],
  ['library/postgres', ['16'], 'docker', [AMD64]],
  ['library/alpine', ['latest'], 'oci', [AMD64, ARM64, ARMV7]],
  ['acme/api', ['2.1'], 'oci', [AMD64, ARM64]]
];

async function seed(url: string): Promise<void> {
  const base = await tarLayer([{ name: 'etc/os-release', content: 'NAME="image-lock demo"\n' }]);
  for (const [repo, tags, format, platforms] of SAMPLES) {
    const images = await Promise.all(
      platforms.map(async (platform) => {
        const app = await tarLayer([{ name: 'app/README', content: `${repo} on ${platform.os}/${platform.architecture}\n` }]);
        return buildImage({ format, platform, layers: [base, app] });
      })
    );
    if (images.length === 1) await pushImage({ url }, repo, images[0], tags);
    else
      await pushIndex(
        { url },
        repo,
        buildIndex(format, [...images.map((image) => ({ image })), ...(format === 'oci' ? [attestationEntry(images[0])] : [])]),
        tags
      );
  }
}

function cli(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  return execFileSync(process.execPath, [join(ROOT, 'dist/cli/index.js'), ...args], {
    cwd,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit']
  });
}

async function main(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'image-lock-demo-'));
  const registry = await startRegistry({ storageRoot: join(scratch, 'storage'), workDir: join(scratch, 'registry') });
  try {
    await seed(registry.url);
    const workspace = join(scratch, 'examples');
    cpSync(join(ROOT, 'examples'), workspace, { recursive: true });
    const mirrors = ['--mirror', `docker.io=${registry.url}`, '--mirror', `ghcr.io=${registry.url}`];
    console.log(`\n$ image-lock lock ${mirrors.join(' ')}   # in examples/\n`);
    process.stdout.write(cli(workspace, ['lock', ...mirrors]));
    console.log('\n--- image-lock.json ---');
    process.stdout.write(readFileSync(join(workspace, 'image-lock.json'), 'utf8'));

    // The same run as the action's main step, for its job summary.
    const summary = join(scratch, 'summary.md');
    writeFileSync(summary, '');
    writeFileSync(join(scratch, 'out'), '');
    execFileSync(process.execPath, [join(ROOT, 'dist/main/index.js')], {
      cwd: workspace,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        GITHUB_WORKSPACE: workspace,
        GITHUB_STEP_SUMMARY: summary,
        GITHUB_OUTPUT: join(scratch, 'out'),
        'INPUT_REGISTRY-MIRRORS': `docker.io=${registry.url}\nghcr.io=${registry.url}`
      }
    });
    console.log('\n--- job summary (GitHub renders this HTML/Markdown) ---');
    process.stdout.write(readFileSync(summary, 'utf8'));
  } finally {
    await registry.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
