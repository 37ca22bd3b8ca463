import * as core from '@actions/core';
import type { CommandReport } from '../commands/report.js';

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
  if (report.removed.length > 0) summary.addHeading('No longer used', 3).addList(report.removed.map(code));
  const notes = [
    ...report.failures,
    ...report.findings.map((finding) => `${finding.level}: ${finding.file ? `${finding.file}:${finding.line} ` : ''}${finding.message}`),
    ...report.problems.map((problem) => `warning: ${problem.file}:${problem.line} ${problem.message}`)
  ];
  if (notes.length > 0) summary.addHeading('Findings', 3).addList(notes);
  const limits = Object.entries(report.rateLimits);
  if (limits.length > 0) {
    summary.addHeading('Registry rate limits', 3).addList(
      limits.map(([registry, limit]) => `${registry}: ${limit.remaining} of ${limit.limit} pulls left${limit.windowSeconds ? ` per ${limit.windowSeconds / 3600} h` : ''}`)
    );
  }
  await summary.write();
}

function changeOf(previous: string | undefined, digest: string): string {
  if (!previous) return 'new';
  return previous === digest ? 'unchanged' : `${short(previous)} → ${short(digest)}`;
}
