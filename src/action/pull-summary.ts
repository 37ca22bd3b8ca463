import * as core from '@actions/core';
import type { PullReport } from '../commands/pull.js';
import { describeDigestLinks, formatBytes, formatDuration, UNLINKED_ADVICE, unlinkedTitle } from '../commands/pull-format.js';
import type { LayerCacheRestore } from './cache/layer-cache.js';
import type { TierRestore } from './cache/tier-restore.js';
import { code, escapeHtml, titledList } from './summary-html.js';

const CACHE_WORDS = { hit: 'hit', partial: 'partial hit', miss: 'miss' };

/** The job summary's pull section: per image cache hit or miss, bytes from cache and from registries, time per phase. */
export async function writePullSummary(report: PullReport, restore: LayerCacheRestore | undefined): Promise<void> {
  const summary = core.summary.addHeading('image-lock pull', 2);
  summary.addRaw(`${report.images.length} image(s) for ${code(report.platform)}: cache ${CACHE_WORDS[report.cache]}`, true);
  summary.addTable([
    [
      { data: 'Image', header: true },
      { data: 'Cache', header: true },
      { data: 'From cache', header: true },
      { data: 'From registries', header: true },
      { data: 'Fetch', header: true },
      { data: 'Docker', header: true }
    ],
    ...report.images.map((image) => [
      code(image.reference),
      CACHE_WORDS[image.cache],
      formatBytes(image.bytesFromCache),
      formatBytes(image.bytesFromRegistry),
      formatDuration(image.fetchMs),
      image.daemon
    ])
  ]);
  const phases = [
    ...(restore ? [`restore ${formatDuration(restore.ms)}`] : []),
    `fetch ${formatDuration(report.fetchMs)}`,
    `load ${formatDuration(report.loadMs)}`
  ];
  const notes = [
    `Total: ${formatBytes(report.bytesFromCache)} from cache, ${formatBytes(report.bytesFromRegistry)} from registries`,
    `Time: ${phases.join(', ')}`,
    restore ? `Restored from: ${describeTiers(restore)}` : 'Layer cache: off',
    ...(report.imageStore ? [`Docker image store: ${report.imageStore}`] : []),
    ...[describeDigestLinks(report)].filter((line): line is string => line !== undefined),
    ...report.repaired.map((digest) => `${code(digest)} was corrupt in the cache and was fetched again`)
  ];
  summary.addList(notes);
  const unlinked = unlinkedTitle(report);
  if (unlinked) {
    const references = report.digestLinks!.unlinked.map((link) => code(link.reference));
    summary.addRaw(titledList(escapeHtml(unlinked), references)).addRaw(`${escapeHtml(UNLINKED_ADVICE)}\n`);
  }
  await summary.write();
}

/** The summary's line when no Linux daemon answers: what was not done, and why. */
export async function writePullSkipped(reason: string): Promise<void> {
  await core.summary.addHeading('image-lock pull', 2).addRaw(`Skipped: ${reason}. The locked images were not loaded.`, true).write();
}

function describeTiers(restore: LayerCacheRestore): string {
  const tiers: [string, TierRestore | undefined][] = [
    ['tool cache', restore.toolCache],
    ['Actions cache', restore.actionsCache]
  ];
  const used = tiers
    .filter(([, tier]) => tier && tier.match !== 'none')
    .map(([name, tier]) => `${name} (${[tier!.match, ...(tier!.entry ? [code(tier!.entry)] : []), formatDuration(tier!.ms)].join(', ')})`);
  return used.join('; ') || 'nothing (no cache entry yet)';
}
