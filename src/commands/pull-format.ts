import type { PullProgress } from '../pull/progress.js';
import type { PullReport } from './pull.js';

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];

/** Bytes the way `docker pull` prints them (decimal units, one decimal). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** One progress line of a long download: bytes so far, of how many, and the rate. */
export function formatProgress(progress: PullProgress): string {
  return `pull: ${formatBytes(progress.bytes)} of ${formatBytes(progress.totalBytes)} from registries, ${formatBytes(progress.bytesPerSecond)}/s`;
}

/** The report as text: per image cache hit or miss, bytes from cache and registries, time per phase. */
export function formatPullReport(report: PullReport): string {
  const count = `${report.images.length} image${report.images.length === 1 ? '' : 's'}`;
  const lines = [`Pulled ${count} for ${report.platform} (cache ${report.cache}, store ${report.cacheDir})`];
  const width = Math.max(...report.images.map((image) => image.reference.length));
  for (const image of report.images) {
    const bytes = `${formatBytes(image.bytesFromCache)} from cache, ${formatBytes(image.bytesFromRegistry)} from registries`;
    lines.push(
      `  ${image.reference.padEnd(width)}  ${image.cache.padEnd(7)}  ${bytes}, fetch ${formatDuration(image.fetchMs)}, ${image.daemon}`
    );
  }
  lines.push(
    `Total: ${formatBytes(report.bytesFromCache)} from cache, ${formatBytes(report.bytesFromRegistry)} from registries; ` +
      `fetch ${formatDuration(report.fetchMs)}, load ${formatDuration(report.loadMs)}`
  );
  const links = describeDigestLinks(report);
  if (links) lines.push(links);
  for (const digest of report.repaired) lines.push(`Repaired: ${digest} was corrupt in the cache and was fetched again`);
  return `${lines.join('\n')}\n`;
}

/**
 * What the classic store's digest links did: `docker load` records tags only, so each
 * pinned reference was linked by a daemon pull by digest (manifests only). Undefined
 * when there was nothing to link.
 */
export function describeDigestLinks(report: PullReport): string | undefined {
  const links = report.digestLinks;
  if (!links || links.pulls === 0) return undefined;
  const lines = [
    `Digest links: ${links.linked.length} pinned reference(s) linked by ${links.pulls} daemon pull(s) by digest in ` +
      `${formatDuration(links.ms)} (manifests only, no layer; Docker Hub counts each manifest GET as a pull)`
  ];
  // Only counted here: the warning names them, once (a long list said three times buries the rest).
  if (links.unlinked.length > 0) lines.push(`Not linked: ${links.unlinked.length} pinned reference(s), which need the registry when used`);
  return lines.join('\n');
}

/** The warning for pinned references the classic store could not link: they need the registry when used. */
export function unlinkedWarning(report: PullReport): string | undefined {
  const unlinked = report.digestLinks?.unlinked ?? [];
  if (unlinked.length === 0) return undefined;
  return `${unlinkedTitle(report)}: ${unlinked.map((u) => u.reference).join(', ')}. ${UNLINKED_ADVICE}`;
}

/** What the unlinked references have in common, and why; undefined when every one was linked. */
export function unlinkedTitle(report: PullReport): string | undefined {
  const unlinked = report.digestLinks?.unlinked ?? [];
  if (unlinked.length === 0) return undefined;
  return `${unlinked.length} pinned reference(s) will need the registry when used (${unlinked[0].reason})`;
}

export const UNLINKED_ADVICE =
  'Their tags work offline; the containerd image store (`containerd-snapshotter`) makes pinned references work offline too.';
