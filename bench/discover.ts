// Benchmark "discover" (issue 8): `image-lock list` over a repository-shaped tree of
// 50,000 files, most of them a node_modules-like bulk it must skip, against `find`
// walking the same tree (the floor any scan pays). Wall time and peak memory (VmHWM) of
// the bundled CLI, started as a workflow step starts it. Run it with `npm run bench:discover`.
//
// Knobs (environment): BENCH_FILES (50000 in all), BENCH_RUNS (3), BENCH_TIMEOUT_S (600).
import { readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { mapLimit } from '../src/util/map-limit.js';
import { run } from '../test/env/proc.js';
import { makeTempDir } from '../test/env/paths.js';
import { imageLockCli } from './clients.js';
import { envInt, median, runBenchmark, seconds, timed } from './harness.js';
import { benchReport } from './machine.js';
import { MAX_RSS_PROBE } from './pull-clients.js';
import { markdownTable } from './table.js';

const GOALS = { ms: 1000, memoryBytes: 150 * 1024 * 1024 };

/** The files a repository holds references in, by kind, as the issue sizes them. */
const SOURCES = { dockerfiles: 500, compose: 50, workflows: 20, kubernetes: 100, helm: 100 };

function sourceFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (let i = 0; i < SOURCES.dockerfiles; i++) {
    files.set(
      `services/svc-${i}/Dockerfile`,
      `# syntax=docker/dockerfile:1\nFROM golang:1.23 AS build\nRUN go build ./...\nFROM gcr.io/distroless/static:nonroot\nCOPY --from=build /out /app\n`
    );
  }
  for (let i = 0; i < SOURCES.compose; i++) {
    files.set(`stacks/stack-${i}/compose.yaml`, `services:\n  web:\n    image: nginx:1.27\n  db:\n    image: postgres:\${PG_TAG:-16}\n`);
  }
  for (let i = 0; i < SOURCES.workflows; i++) {
    files.set(
      `.github/workflows/ci-${i}.yml`,
      `on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    container: node:22\n    services:\n      redis: redis:7\n    steps:\n      - run: npm test\n`
    );
  }
  for (let i = 0; i < SOURCES.kubernetes; i++) {
    files.set(
      `deploy/app-${i}.yaml`,
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-${i}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ghcr.io/acme/app-${i}:1.0\n`
    );
  }
  for (let i = 0; i < SOURCES.helm / 2; i++) {
    files.set(`charts/chart-${i}/Chart.yaml`, `apiVersion: v2\nname: chart-${i}\nversion: 1.0.0\nappVersion: "1.0"\n`);
    files.set(`charts/chart-${i}/values.yaml`, `image:\n  registry: docker.io\n  repository: bitnami/redis\n  tag: "7.4"\n  digest: ""\n`);
  }
  return files;
}

async function writeTree(root: string, total: number): Promise<number> {
  const files = sourceFiles();
  // The bulk: package folders of JavaScript and docs, as an installed node_modules holds them.
  for (let i = 0; files.size < total; i++) {
    const pkg = `node_modules/pkg-${Math.floor(i / 20)}`;
    files.set(`${pkg}/lib/file-${i % 20}.js`, `module.exports = ${i};\n`);
  }
  for (const folder of new Set([...files.keys()].map((path) => dirname(join(root, path))))) await mkdir(folder, { recursive: true });
  await mapLimit([...files], 64, ([path, text]) => writeFile(join(root, path), text));
  return files.size;
}

interface ListRun {
  ms: number;
  maxRssBytes: number;
  references: number;
}

async function imageLockList(root: string, rssFile: string): Promise<ListRun> {
  const env = { ...process.env, BENCH_MAX_RSS_FILE: rssFile };
  // The default globs, as a step with no inputs scans them (Kubernetes manifests only when named).
  const args = ['--import', MAX_RSS_PROBE, imageLockCli(), 'list', '--json'];
  const { ms, value } = await timed(() => run(process.execPath, args, { cwd: root, env, timeoutMs: 120_000 }));
  if (value.code !== 0) throw new Error(`image-lock list exited ${value.code}: ${value.stderr.slice(-500)}`);
  const parsed = JSON.parse(value.stdout.toString('utf8')) as { references: unknown[] };
  return { ms, maxRssBytes: Number(readFileSync(rssFile, 'utf8').split(' ')[0]) * 1024, references: parsed.references.length };
}

await runBenchmark('discover', { timeoutMs: envInt('BENCH_TIMEOUT_S', 600) * 1000 }, async (bench) => {
  const runs = envInt('BENCH_RUNS', 3);
  const dir = makeTempDir('bench-discover');
  bench.defer(() => rm(dir, { recursive: true, force: true }));
  const root = join(dir, 'repo');
  bench.progress('writing the tree');
  const written = await writeTree(root, envInt('BENCH_FILES', 50_000));
  const lists: ListRun[] = [];
  const finds: number[] = [];
  for (let i = 0; i < runs; i++) {
    bench.progress(`run ${i + 1} of ${runs}`);
    lists.push(await imageLockList(root, join(dir, 'max-rss')));
    finds.push((await timed(() => run('find', ['.', '-type', 'f'], { cwd: root, timeoutMs: 120_000 }))).ms);
  }
  const ms = median(lists.map((list) => list.ms));
  const peak = Math.max(...lists.map((list) => list.maxRssBytes));
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
  const table = markdownTable(
    [{ title: 'measure' }, { title: 'image-lock list', align: 'right' }, { title: '`find . -type f`', align: 'right' }, { title: 'goal' }],
    [
      ['median wall time', seconds(ms), seconds(median(finds)), `< ${seconds(GOALS.ms)} (${ms < GOALS.ms ? 'met' : 'missed'})`],
      ['peak memory (VmHWM)', mb(peak), '', `< ${mb(GOALS.memoryBytes)} (${peak < GOALS.memoryBytes ? 'met' : 'missed'})`],
      ['references found', String(lists[0].references), '', '']
    ]
  );
  console.log(
    benchReport({
      intro: [
        `\`image-lock list --json\` (default globs, bundled CLI, Node start-up included) over ${written} files: ` +
          `${SOURCES.dockerfiles} Dockerfiles, ${SOURCES.compose} compose files, ${SOURCES.workflows} workflows, ` +
          `${SOURCES.kubernetes} Kubernetes manifests, ${SOURCES.helm / 2} Helm charts, the rest under node_modules/. Medians of ${runs}.`
      ],
      table,
      notes: [`Ratio to the bare walk: ${(ms / median(finds)).toFixed(1)}x.`]
    })
  );
});
