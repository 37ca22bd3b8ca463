// The pull benchmark's figures as Markdown for docs/BENCHMARKS.md: each comparison (the
// median of its rounds), its ratio against issue 4's goal, and the machine.
import { formatBytes } from '../src/commands/pull-format.js';
import { median, seconds } from './harness.js';
import { benchReport } from './machine.js';
import type { ImageLockPull } from './pull-clients.js';
import type { PullImageSet } from './pull-images.js';
import { markdownTable } from './table.js';

/** Cold fetches into an empty store and curl's of the same blobs, round by round. */
export interface ColdRuns {
  cold: ImageLockPull[];
  curlMs: number[];
}

/** Every round's measurements, in the order taken. */
export interface PullRuns {
  /** Over loopback. */
  cold: ColdRuns;
  /** Over a shaped link, per rate. */
  links: ({ mbit: number } & ColdRuns)[];
  warm: ImageLockPull[];
  dockerPullMs: number[];
  saveLoadMs: number[];
  /** The Actions cache restore of the blob store, before each `restored` pull. */
  restoreMs: number[];
  restored: ImageLockPull[];
}

export interface PullFigures {
  settings: { baseMb: number; topMb: number; concurrency: number; rounds: number; linkRttMs: number };
  set: PullImageSet;
  sizes: { saveTar: number; store: number; saveEntry: number; storeEntry: number };
  runs: PullRuns;
}

const GOALS = { warm: 1.0, restore: 0.7, entry: 0.6, throughput: 0.9, memoryBytes: 200_000_000 };

export function pullReport({ settings, set, sizes, runs }: PullFigures): string {
  const ms = (pulls: ImageLockPull[]) => pulls.map((pull) => pull.ms);
  const m = {
    warm: median(ms(runs.warm)),
    warmFetch: median(runs.warm.map((pull) => pull.report.fetchMs)),
    warmLoad: median(runs.warm.map((pull) => pull.report.loadMs)),
    dockerPull: median(runs.dockerPullMs),
    saveLoad: median(runs.saveLoadMs),
    restoreThenPull: median(runs.restoreMs.map((restore, i) => restore + runs.restored[i].ms)),
    restore: median(runs.restoreMs),
    restored: median(ms(runs.restored))
  };
  const rate = (time: number) => `${formatBytes((set.bytes * 1000) / time)}/s`;
  const colds = [
    { what: 'loopback', ...runs.cold },
    ...runs.links.map((link) => ({ what: `${link.mbit} Mbit/s link, +${settings.linkRttMs} ms RTT`, ...link }))
  ];
  const peak = Math.max(...[...colds.flatMap((cold) => cold.cold), ...runs.warm, ...runs.restored].map((pull) => pull.maxRssBytes));
  const ratios = {
    warm: m.warm / m.dockerPull,
    restore: m.restoreThenPull / m.saveLoad,
    entry: sizes.store / sizes.saveTar,
    stored: sizes.storeEntry / sizes.saveEntry
  };
  const coldRow = ({ what, cold, curlMs }: (typeof colds)[number]) => {
    const [time, fetch, curl] = [median(ms(cold)), median(cold.map((pull) => pull.report.fetchMs)), median(curlMs)];
    const throughput = curl / time;
    const imageLock = `image-lock pull --no-load: ${rate(time)} (${seconds(time)}; fetch phase ${seconds(fetch)})`;
    return [
      `(c) cold fetch, ${what}`,
      imageLock,
      `curl --parallel-max ${settings.concurrency}: ${rate(curl)} (${seconds(curl)})`,
      ratio(throughput),
      `>= ${GOALS.throughput}x`,
      verdict(throughput >= GOALS.throughput)
    ];
  };
  const rows = [
    [
      '(a) warm cache -> daemon',
      `image-lock pull: ${seconds(m.warm)} (verify ${seconds(m.warmFetch)}, load ${seconds(m.warmLoad)})`,
      `docker pull, both at once: ${seconds(m.dockerPull)}`,
      ratio(ratios.warm),
      `<= ${GOALS.warm}x`,
      verdict(ratios.warm <= GOALS.warm)
    ],
    [
      '(b) restore + load',
      `cache restore ${seconds(m.restore)} + image-lock pull ${seconds(m.restored)}: ${seconds(m.restoreThenPull)}`,
      `cache restore + docker load: ${seconds(m.saveLoad)}`,
      ratio(ratios.restore),
      `<= ${GOALS.restore}x`,
      verdict(ratios.restore <= GOALS.restore)
    ],
    [
      '(b) cache entry, bytes kept',
      `blob store: ${formatBytes(sizes.store)}`,
      `docker save tar: ${formatBytes(sizes.saveTar)}`,
      ratio(ratios.entry),
      `<= ${GOALS.entry}x`,
      verdict(ratios.entry <= GOALS.entry)
    ],
    [
      '(b) cache entry as stored (tar+zstd)',
      formatBytes(sizes.storeEntry),
      formatBytes(sizes.saveEntry),
      ratio(ratios.stored),
      `<= ${GOALS.entry}x`,
      verdict(ratios.stored <= GOALS.entry)
    ],
    ...colds.map(coldRow),
    ['(d) peak memory (max RSS)', formatBytes(peak), '', '', `< ${formatBytes(GOALS.memoryBytes)}`, verdict(peak < GOALS.memoryBytes)]
  ];
  const table = markdownTable(
    [
      { title: 'measure' },
      { title: `image-lock (median of ${settings.rounds})` },
      { title: 'baseline (median)' },
      { title: 'ratio', align: 'right' },
      { title: 'goal', align: 'right' },
      { title: '' }
    ],
    rows
  );
  const each = (values: number[]) => values.map(seconds).join(', ');
  const rss = (pulls: ImageLockPull[]) => pulls.map((pull) => formatBytes(pull.maxRssBytes)).join(', ');
  return benchReport({
    intro: [
      `2 linux/amd64 images sharing a ${settings.baseMb} MB base, each with 2 layers of ${settings.topMb} MB: ${formatBytes(set.bytes)} of distinct blobs ` +
        `(gzip), ${formatBytes(set.contentBytes)} uncompressed; a local registry over loopback http` +
        (runs.links.length > 0 ? ', and for (c) also across a veth link shaped by tc tbf, through a latency proxy' : '') +
        '; dockerd with vfs storage.'
    ],
    table,
    notes: [
      'Ratios are image-lock / baseline (time or size), except throughput: image-lock / curl. image-lock runs as `node dist/cli/index.js`, start-up included.',
      `Each run: (a) image-lock ${each(ms(runs.warm))}, docker pull ${each(runs.dockerPullMs)}; (b) image-lock ${each(runs.restoreMs.map((restore, i) => restore + runs.restored[i].ms))}, ` +
        `save/load ${each(runs.saveLoadMs)}; ` +
        colds.map((cold) => `(c) ${cold.what}: image-lock ${each(ms(cold.cold))}, curl ${each(cold.curlMs)}`).join('; ') +
        '.',
      `Peak memory of each image-lock run: (a) ${rss(runs.warm)}; (b) ${rss(runs.restored)}; ` +
        colds.map((cold) => `(c) ${cold.what}: ${rss(cold.cold)}`).join('; ') +
        '.'
    ]
  });
}

function ratio(value: number): string {
  return `${value.toFixed(2)}x`;
}

function verdict(met: boolean): string {
  return met ? 'met' : 'MISSED';
}
