import type { UpdateReport } from '../commands/update.js';
import { ageText, newLayersText, platformsHeadline, sizeChangeText, sizeText, skipText } from '../commands/update-words.js';

/** `update`'s result on stdout: each moved image, platform by platform, then what was left and why. */
export function formatUpdateReport(report: UpdateReport): string {
  const lines: string[] = [];
  const count = (n: number) => `${n} image${n === 1 ? '' : 's'}`;
  const lockfile = report.changed ? `; ${report.lockfile} and the files rewritten` : '';
  lines.push(
    `Updated ${count(report.updated.length)}, ${report.skipped.length} left for now, ${report.unchanged.length} unchanged${lockfile}`
  );
  for (const update of report.updated) {
    lines.push(
      `  ${update.reference}`,
      `    ${update.from} -> ${update.to}`,
      `    ${platformsHeadline(update.platforms)}; ${ageText(update)}`
    );
    for (const change of update.platforms) {
      const layers = change.status === 'removed' ? '' : `, ${newLayersText(change)} new layer${change.newLayers === 1 ? '' : 's'}`;
      lines.push(`    ${change.platform.padEnd(24)} ${change.status.padEnd(9)} ${sizeText(change)} (${sizeChangeText(change)})${layers}`);
    }
  }
  for (const rewrite of report.rewritten) lines.push(`  updated ${rewrite.file}:${rewrite.line} ${rewrite.from} -> ${rewrite.to}`);
  for (const update of report.skipped)
    lines.push(`  left ${update.reference} at ${update.from}, not taking ${update.to}: ${skipText(update)}`);
  for (const found of report.newer) lines.push(`  newer than ${found.reference}: ${found.newer.join(', ')} (not applied)`);
  for (const reference of report.untracked) lines.push(`  no tag to follow: ${reference}`);
  for (const note of report.notes) lines.push(`  note: ${note}`);
  if (report.reportFile) lines.push(`Report written to ${report.reportFile}`);
  return `${lines.join('\n')}\n`;
}
