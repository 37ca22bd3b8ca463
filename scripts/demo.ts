// The demo: the whole job in about a minute. A local registry seeded with sample images
// stands in for Docker Hub and ghcr.io (as their mirror, so the lockfile keeps the
// canonical names); a copy of examples/ is the repository. image-lock locks it, a change
// fails verify with its annotation, pin fixes it, and the locked images are pulled into a
// private Docker daemon cold, then warm with the registry stopped. The daemon runs the
// containerd image store (Docker 29's default), where each pinned form resolves from the
// loaded content alone: no daemon pull needs the registry, which only the lock could reach
// (as a mirror the daemon is not told of). The job summary of the action's runs is shown
// as text and written as HTML to .tmp/demo/.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { runAction, type ActionRun } from '../test/action/run-action.js';
import { bundledCli } from '../test/cli/helpers.js';
import { startDockerDaemon, type DockerDaemon } from '../test/env/docker-daemon.js';
import { startRegistry } from '../test/env/registry.js';
import { seedSampleImages } from './demo-images.js';
import { summaryText } from './demo-summary.js';

const ROOT = process.cwd();
const OUT = join(ROOT, '.tmp/demo');
const started = Date.now();

const stage = (title: string) => console.log(`\n\x1b[1m${title}\x1b[0m  (${seconds(Date.now() - started)} in)`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const indent = (text: string) => text.replace(/^(?=.)/gm, '    ');

/** A git repository, so that the summary can link each finding to its line at a commit. */
function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=demo', '-c', 'user.email=demo@example.invalid', ...args], { cwd, encoding: 'utf8' });
}

/** The action's log as the runner shows it: annotations as such, other workflow commands left out. */
function showLog(run: ActionRun): void {
  for (const line of run.stdout.split('\n')) {
    const annotation = /^::(error|warning)(?: ([^:]*))?::(.*)$/.exec(line);
    if (annotation) {
      const place = /file=([^,]+)(?:,line=(\d+))?/.exec(annotation[2] ?? '');
      const where = place ? ` ${place[1]}${place[2] ? `:${place[2]}` : ''}` : '';
      console.log(`    annotation, ${annotation[1]}${where}: ${annotation[3]}`);
    } else if (line && !line.startsWith('::')) console.log(`    ${line}`);
  }
  console.log(`    => step ${run.code === 0 ? 'passed' : 'failed'}`);
}

async function main(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'image-lock-demo-'));
  mkdirSync(OUT, { recursive: true });
  const registry = await startRegistry({ storageRoot: join(scratch, 'storage'), workDir: join(scratch, 'registry') });
  let daemon: DockerDaemon | undefined;
  try {
    stage('Setting up: sample images pushed to a local registry, a private Docker daemon started');
    [daemon] = await Promise.all([startDockerDaemon(60_000, 'containerd'), seedSampleImages(registry.url)]);
    const repo = join(scratch, 'examples');
    cpSync(join(ROOT, 'examples'), repo, { recursive: true });
    git(repo, 'init', '-q');
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'examples');
    const mirrors = ['--mirror', `docker.io=${registry.url}`, '--mirror', `ghcr.io=${registry.url}`];
    const runner = join(scratch, 'runner-temp');
    mkdirSync(runner);
    const runs: { title: string; summary: string }[] = [];
    /** The action as a step of acme/shop's "images" job, run on the repository's current commit. */
    const action = async (title: string, inputs: Record<string, string>) => {
      const run = await runAction(
        'main',
        repo,
        { 'registry-mirrors': `docker.io=${registry.url}\nghcr.io=${registry.url}`, cache: 'false', ...inputs },
        {
          ...daemon!.env,
          RUNNER_TEMP: runner,
          GITHUB_SERVER_URL: 'https://github.com',
          GITHUB_REPOSITORY: 'acme/shop',
          GITHUB_SHA: git(repo, 'rev-parse', 'HEAD').trim()
        }
      );
      runs.push({ title, summary: run.summary });
      showLog(run);
      return run;
    };

    stage('1. lock: every image reference in examples/ resolved to its digest per platform');
    console.log(`  $ image-lock lock ${mirrors.join(' ')}`);
    const locked = succeeded('lock', await bundledCli(repo, ['lock', ...mirrors]));
    console.log(indent(locked.stdout));
    const lockfile = JSON.parse(readFileSync(join(repo, 'image-lock.json'), 'utf8')) as { images: Record<string, unknown> };
    const [first, entry] = Object.entries(lockfile.images)[0];
    console.log(`  image-lock.json holds ${Object.keys(lockfile.images).length} images; the first:`);
    console.log(indent(JSON.stringify({ [first]: entry }, null, 2)));
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'Lock the images');

    stage('2. verify in a pull request that moves redis to 7.4 without locking it');
    const compose = join(repo, 'deploy/compose.yaml');
    writeFileSync(compose, readFileSync(compose, 'utf8').replace('redis:7.2', 'redis:7.4'));
    git(repo, 'commit', '-qam', 'Move to redis 7.4');
    console.log(indent(git(repo, 'show', '--format=', '--unified=0', 'HEAD').trim()));
    const check = await action('The pull request check', { mode: 'verify' });
    console.log('\n  Its job summary, as text (GitHub renders the HTML, each place a link to its line at the commit):');
    console.log(indent(summaryText(check.summary)));

    stage('3. pin: the fix, run where the change was made; references rewritten to name:tag@digest');
    console.log(`  $ image-lock pin ${mirrors.join(' ')}`);
    const pinned = succeeded('pin', await bundledCli(repo, ['pin', ...mirrors]));
    // What it rewrote and what it left, without the lockfile's listing that lock showed already.
    const rewrites = `${pinned.stdout}${pinned.stderr}`.split('\n').filter((line) => /^(Pinned|\s*pinned |warning)/.test(line));
    console.log(indent(rewrites.join('\n')));
    console.log(indent(git(repo, 'diff', '--stat').trimEnd()));
    git(repo, 'commit', '-qam', 'Pin the images');

    stage('4. verify passes; pull, cold: every layer from the registry into the private daemon');
    const timed = async (title: string, inputs: Record<string, string>) => {
      const begun = Date.now();
      const run = await action(title, { mode: 'verify', pull: 'true', ...inputs });
      return { run, ms: Date.now() - begun };
    };
    const cold = await timed('After pin: verify and pull, cold', {});

    stage('5. pull, warm: the registry stopped, the images removed from the daemon, the layers kept');
    await registry.stop();
    await daemon.docker(['image', 'prune', '--all', '--force']);
    const warm = await timed('A later run: pull, warm, registry stopped', { drift: 'ignore' }); // nothing to ask a stopped registry
    console.log(`\n  The step with pull took ${seconds(cold.ms)} cold and ${seconds(warm.ms)} warm with the registry stopped`);
    console.log('  (the samples are a few kB, so docker load is most of it; the fetch figures above compare registry and kept layers);');
    console.log('  Each locked reference, in the form the files write it, resolves in the daemon with the registry stopped:');
    const pinnedLock = JSON.parse(readFileSync(join(repo, 'image-lock.json'), 'utf8')) as { images: Record<string, unknown> };
    const unresolved: string[] = [];
    for (const reference of Object.keys(pinnedLock.images)) {
      const inspected = await daemon.docker(['image', 'inspect', '--format', '{{.Id}}', reference]);
      const id = inspected.stdout.toString().trim();
      if (inspected.code !== 0) unresolved.push(reference);
      console.log(`    ${reference}  ->  ${inspected.code === 0 ? `image ${id.slice(0, 19)}…` : 'NOT FOUND'}`);
    }
    // CI runs the demo: a pinned form the pre-pull left unresolved fails it, not just a line of its output.
    if (unresolved.length > 0) throw new Error(`after the warm pull, ${unresolved.join(', ')} did not resolve in the daemon`);
    console.log("  The warm run's job summary, as text:");
    console.log(indent(summaryText(warm.run.summary)));

    const file = join(OUT, 'job-summary.html');
    const body = runs.map((run) => `<h1>${run.title}</h1>\n${run.summary}`).join('\n');
    writeFileSync(file, `<!doctype html>\n<meta charset="utf-8">\n<title>image-lock job summaries</title>\n${body}`);
    console.log(
      `\n  Each run's job summary, as GitHub renders it: ${relative(ROOT, file)}. The demo took ${seconds(Date.now() - started)}.`
    );
  } finally {
    await daemon?.stop();
    await registry.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** A step the story needs: its failure ends the demo (after main's clean-up) with image-lock's own words, not a later crash. */
function succeeded<T extends { code: number | null; stderr: string }>(step: string, result: T): T {
  if (result.code === 0) return result;
  throw new Error(`image-lock ${step} exited ${result.code}:\n${indent(result.stderr)}`);
}

try {
  await main();
} catch (error) {
  console.error(`\nThe demo stopped: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
