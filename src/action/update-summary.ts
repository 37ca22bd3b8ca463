import type * as core from '@actions/core';
import type { UpdateReport } from '../commands/update.js';
import { ageText, platformsHeadline, skipText } from '../commands/update-words.js';
import { code, shortDigest } from './summary-html.js';

/** `update`'s part of the job summary: what moved and was taken, what was left and why, newer versions. */
export function addUpdateSection(summary: typeof core.summary, report: UpdateReport): void {
  summary.addHeading('Updates', 3);
  if (report.updated.length === 0) summary.addRaw(`No pinned tag moved to an image to take (${report.unchanged.length} unchanged).`, true);
  summary.addList(
    report.updated.map(
      (update) =>
        `${code(update.reference)} ${shortDigest(update.from)} → ${shortDigest(update.to)}: ${platformsHeadline(update.platforms)}; ${ageText(update)}`
    )
  );
  if (report.skipped.length > 0) {
    summary
      .addHeading('Left for now', 3)
      .addList(report.skipped.map((update) => `${code(update.reference)} → ${shortDigest(update.to)}: ${skipText(update)}`));
  }
  if (report.newer.length > 0) {
    summary
      .addHeading('Newer versions (not applied)', 3)
      .addList(report.newer.map((found) => `${code(found.reference)}: ${found.newer.map(code).join(', ')}`));
  }
  const notes = [...report.untracked.map((reference) => `no tag to follow: ${code(reference)}`), ...report.notes];
  if (notes.length > 0) summary.addHeading('Notes', 3).addList(notes);
}
