// The pull benchmark's figures as Markdown for docs/BENCHMARKS.md: each comparison (the
// median of its rounds), its ratio against issue 4's goal, and the machine.
import { formatBytes } from '../src/commands/pull-format.js';
import { median, seconds } from './harness.js';
import { formatMachineFacts, machineFacts } from './machine.js';
import type { ImageLockPull } from './pull-clients.js';
import type { PullImageSet } from './pull-images.js';
import { markdownTable } from './table.js';

/** Every round's measurements, in the order taken. */
export interface PullRuns {
  cold: ImageLockPull[];
  curlMs: number[];
  warm: ImageLockPull[];
  dockerPullMs: number[];
  saveLoadMs: number[];
  /** The Actions cache restore of the blob store, before each `restored` pull. */
  restoreMs: number[];
  restored: ImageLockPull[];
}

export interface PullFigures {
  settings: { baseMb: number; topMb: number; concurrency: number; rounds: number };
  set: PullImageSet;
  sizes: { saveTar: number; store: number; saveEntry: number; storeEntry: number };
  runs: PullRuns;
}

const GOALS = { warm: 1.0, restore: 0.7, entry: 0.6, throughput: 0.9, memoryBytes: 200_000_000 };

export function pullReport({ settings, set, sizes, runs }: PullFigures): string {
  const ms = (pulls: ImageLockPull[]) => pulls.map((pull) => pull.ms);
  const m = {
    cold: median(ms(runs.cold)),
    coldFetch: median(runs.cold.map((pull) => pull.report.fetchMs)),
    curl: median(runs.curlMs),
    warm: median(ms(runs.warm)),
    warmFetch: median(runs.warm.map((pull) => pull.report.fetchMs)),
    warmLoad: median(runs.warm.map((pull) => pull.report.loadMs)),
    dockerPull: median(runs.dockerPullMs),
    saveLoad: median(runs.saveLoadMs),
    restoreThenPull: median(runs.restoreMs.map((restore, i) => restore + runs.restored[i]!.ms)),
    restore: median(runs.restoreMs),
    restored: median(ms(runs.restored))
  };
  const rate = (time: number) => `${formatBytes((set.bytes * 1000) / time)}/s`;
  const peak = Math.max(...[...runs.cold, ...runs.warm, ...runs.restored].map((pull) => pull.maxRssBytes));
  const ratios = { warm: m.warm / m.dockerPull, restore: m.restoreThenPull / m.saveLoad, entry: sizes.store / sizes.saveTar, stored: sizes.storeEntry / sizes.saveEntry, throughput: m.curl / m.cold };
  const rows = [
    ['(a) warm cache -> daemon', `image-lock pull: ${seconds(m.warm)} (verify ${seconds(m.warmFetch)}, load ${seconds(m.warmLoad)})`, `docker pull, both at once: ${seconds(m.dockerPull)}`, ratio(ratios.warm), `<= ${GOALS.warm}x`, verdict(ratios.warm <= GOALS.warm)],
    ['(b) restore + load', `cache restore ${seconds(m.restore)} + image-lock pull ${seconds(m.restored)}: ${seconds(m.restoreThenPull)}`, `cache restore + docker load: ${seconds(m.saveLoad)}`, ratio(ratios.restore), `<= ${GOALS.restore}x`, verdict(ratios.restore <= GOALS.restore)],
    ['(b) cache entry', `blob store: ${formatBytes(sizes.store)}`, `docker save tar: ${formatBytes(sizes.saveTar)}`, ratio(ratios.entry), `<= ${GOALS.entry}x`, verdict(ratios.entry <= GOALS.entry)],
    ['(b) entry as stored (tar+zstd)', formatBytes(sizes.storeEntry), formatBytes(sizes.saveEntry), ratio(ratios.stored), '', ''],
    ['(c) cold fetch throughput', `image-lock pull --no-load: ${rate(m.cold)} (${seconds(m.cold)}; fetch phase ${seconds(m.coldFetch)})`, `curl --parallel-max ${settings.concurrency}: ${rate(m.curl)} (${seconds(m.curl)})`, ratio(ratios.throughput), `>= ${GOALS.throughput}x`, verdict(ratios.throughput >= GOALS.throughput)],
    ['(d) peak memory (max RSS)', formatBytes(peak), '', '', `< ${formatBytes(GOALS.memoryBytes)}`, verdict(peak < GOALS.memoryBytes)]
  ];
  const table = markdownTable(
    [{ title: 'measure' }, { title: `image-lock (median of ${settings.rounds})` }, { title: 'baseline (median)' }, { title: 'ratio', align: 'right' }, { title: 'goal', align: 'right' }, { title: '' }],
    rows
  );
  const each = (values: number[]) => values.map(seconds).join(', ');
  return [
    '',
    `2 linux/amd64 images sharing a ${settings.baseMb} MB base, each with 2 layers of ${settings.topMb} MB: ${formatBytes(set.bytes)} of distinct blobs ` +
      `(gzip), ${formatBytes(set.contentBytes)} uncompressed; a local registry over loopback http; dockerd with vfs storage.`,
    '',
    table,
    '',
    'Ratios are image-lock / baseline (time or size), except throughput: image-lock / curl. image-lock runs as `node dist/cli/index.js`, start-up included.',
    `Each run: (a) image-lock ${each(ms(runs.warm))}, docker pull ${each(runs.dockerPullMs)}; (b) image-lock ${each(runs.restoreMs.map((restore, i) => restore + runs.restored[i]!.ms))}, ` +
      `save/load ${each(runs.saveLoadMs)}; (c) image-lock ${each(ms(runs.cold))}, curl ${each(runs.curlMs)}.`,
    '',
    'Machine:',
    formatMachineFacts(machineFacts()),
    ''
  ].join('\n');
}

function ratio(value: number): string {
  return `${value.toFixed(2)}x`;
}

function verdict(met: boolean): string {
  return met ? 'met' : 'MISSED';
}
