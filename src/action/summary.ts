import * as core from '@actions/core';
import type { CommandReport } from '../commands/report.js';
import type { UpdateReport } from '../commands/update.js';
import { sourceLink } from './source-link.js';
import { findingsSection, type SummaryNote } from './summary-findings.js';
import { code, escapeHtml, foldedList, shortDigest } from './summary-html.js';
import { addUpdateSection } from './update-summary.js';

/** The job summary: each image, its digest and platforms, where it was found, what changed, the findings. */
export async function writeSummary(report: CommandReport): Promise<void> {
  const summary = core.summary.addHeading(`image-lock ${report.command}`, 2);
  summary.addRaw(`${report.images.length} image(s) in ${code(report.lockfile)}${report.changed ? ' (updated)' : ''}`, true);
  summary.addTable([
    [
      { data: 'Image', header: true },
      { data: 'Digest', header: true },
      { data: 'Platforms', header: true },
      { data: 'Found in', header: true },
      { data: 'Change', header: true }
    ],
    ...report.images.map((image) => [
      code(image.reference),
      shortDigest(image.digest),
      // An empty cell renders as an unclosed <td>, which breaks the table: verify reports no platforms.
      Object.keys(image.platforms).join(', ') || '—',
      image.sources.map((file) => sourceLink(file, file)).join(', ') || 'input',
      changeOf(image.previousDigest, image.digest)
    ])
  ]);
  if (report.command === 'update') addUpdateSection(summary, report as UpdateReport);
  if (report.removed.length > 0) summary.addHeading('No longer used', 3).addRaw(foldedList(report.removed.map(code), 'references'));
  if (report.rewritten.length > 0) {
    const rewrites = report.rewritten.map(
      (rewrite) =>
        `${sourceLink(`${rewrite.file}:${rewrite.line}`, rewrite.file, rewrite.line)} ${code(rewrite.from)} → ${code(rewrite.to)}`
    );
    summary.addHeading(report.command === 'update' ? 'Rewritten' : 'Pinned', 3).addRaw(foldedList(rewrites, 'rewrites'));
  }
  const notes: SummaryNote[] = [
    ...report.failures.map((failure) => ({ ...failure, level: 'error' as const })),
    ...report.findings,
    ...report.warnings.map((warning) => ({ ...warning, level: 'warning' as const })),
    ...report.problems.map((problem) => ({ ...problem, level: 'warning' as const }))
  ];
  if (notes.length > 0) summary.addHeading('Findings', 3).addRaw(findingsSection(notes));
  const limits = Object.entries(report.rateLimits);
  if (limits.length > 0) {
    summary
      .addHeading('Registry rate limits', 3)
      .addList(
        limits.map(
          ([registry, limit]) =>
            `${escapeHtml(registry)}: ${limit.remaining} of ${limit.limit} pulls left${limit.windowSeconds ? ` per ${limit.windowSeconds / 3600} h` : ''}`
        )
      );
  }
  await summary.write();
}

function changeOf(previous: string | undefined, digest: string): string {
  if (!previous) return 'new';
  return previous === digest ? 'unchanged' : `${shortDigest(previous)} → ${shortDigest(digest)}`;
}
