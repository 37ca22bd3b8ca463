import * as core from '@actions/core';
import type { CommandReport } from '../commands/report.js';
import type { UpdateReport } from '../commands/update.js';
import { addUpdateSection } from './update-summary.js';

// Table cells are HTML, where Markdown backticks do not render.
const code = (text: string) => `<code>${text}</code>`;
const short = (digest: string) => code(`${digest.slice(0, 19)}…`);

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
      short(image.digest),
      Object.keys(image.platforms).join(', '),
      image.sources.join(', ') || 'input',
      changeOf(image.previousDigest, image.digest)
    ])
  ]);
  if (report.command === 'update') addUpdateSection(summary, report as UpdateReport);
  if (report.removed.length > 0) summary.addHeading('No longer used', 3).addList(report.removed.map(code));
  if (report.rewritten.length > 0) {
    summary
      .addHeading(report.command === 'update' ? 'Rewritten' : 'Pinned', 3)
      .addList(report.rewritten.map((rewrite) => `${rewrite.file}:${rewrite.line} ${code(rewrite.from)} → ${code(rewrite.to)}`));
  }
  const notes = [
    ...report.failures.map((failure) => note('error', failure)),
    ...report.findings.map((finding) => note(finding.level, finding)),
    ...report.warnings.map((warning) => note('warning', warning)),
    ...report.problems.map((problem) => note('warning', problem))
  ];
  if (notes.length > 0) summary.addHeading('Findings', 3).addList(notes);
  const limits = Object.entries(report.rateLimits);
  if (limits.length > 0) {
    summary
      .addHeading('Registry rate limits', 3)
      .addList(
        limits.map(
          ([registry, limit]) =>
            `${registry}: ${limit.remaining} of ${limit.limit} pulls left${limit.windowSeconds ? ` per ${limit.windowSeconds / 3600} h` : ''}`
        )
      );
  }
  await summary.write();
}

/** `level: file:line message`; the place left out for what concerns no file. */
function note(level: string, item: { file?: string; line?: number; message: string }): string {
  const place = item.file ? `${item.file}${item.line ? `:${item.line}` : ''} ` : '';
  return `${level}: ${place}${item.message}`;
}

function changeOf(previous: string | undefined, digest: string): string {
  if (!previous) return 'new';
  return previous === digest ? 'unchanged' : `${short(previous)} → ${short(digest)}`;
}
