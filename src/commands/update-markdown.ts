import type { ImageUpdate } from './update-check.js';
import type { UpdateReport } from './update.js';
import { ageText, newLayersText, platformsHeadline, sizeChangeText, sizeText, skipText } from './update-words.js';

const code = (text: string) => `\`${text}\``;

/** The run as a Markdown account fit for a pull request's body: what moved, per platform, and what was left. */
export function updateMarkdown(report: UpdateReport): string {
  const lines: string[] = ['## image-lock update', '', headline(report), ''];
  for (const update of report.updated) lines.push(...imageSection(update, report), '');
  if (report.skipped.length > 0) {
    lines.push('### Not taken yet', '');
    for (const update of report.skipped) lines.push(`- ${code(update.reference)} → ${code(update.to)}: ${skipText(update)}`);
    lines.push('');
  }
  if (report.newer.length > 0) {
    lines.push('### Newer versions (not applied)', '');
    for (const found of report.newer) lines.push(`- ${code(found.reference)}: ${found.newer.map(code).join(', ')}`);
    lines.push('');
  }
  if (report.untracked.length > 0) {
    lines.push('### No tag to follow', '');
    for (const reference of report.untracked) lines.push(`- ${code(reference)}`);
    lines.push('');
  }
  if (report.notes.length > 0 || report.warnings.length > 0) {
    lines.push('### Notes', '');
    for (const note of report.notes) lines.push(`- ${note}`);
    for (const warning of report.warnings) lines.push(`- ${warning.file ? `${warning.file}:${warning.line} ` : ''}${warning.message}`);
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

function headline(report: UpdateReport): string {
  const images = (count: number) => `${count} image${count === 1 ? '' : 's'}`;
  const parts = [report.updated.length > 0 ? `Updated ${images(report.updated.length)}` : 'No image updated'];
  if (report.skipped.length > 0) parts.push(`${images(report.skipped.length)} left for now`);
  parts.push(`${report.unchanged.length} unchanged`);
  return `${parts.join('; ')}.`;
}

function imageSection(update: ImageUpdate, report: UpdateReport): string[] {
  const files = report.rewritten.filter((rewrite) => rewrite.to.endsWith(`@${update.to}`) && rewrite.from.endsWith(`@${update.from}`));
  return [
    `### ${code(update.reference)}`,
    '',
    `${code(update.from)} → ${code(update.to)}`,
    '',
    `${platformsHeadline(update.platforms)}; ${ageText(update)}.`,
    '',
    '| Platform | Change | Size | Size change | New layers |',
    '| --- | --- | ---: | ---: | ---: |',
    ...update.platforms.map(
      (change) => `| ${change.platform} | ${change.status} | ${sizeText(change)} | ${sizeChangeText(change)} | ${newLayersText(change)} |`
    ),
    ...(files.length > 0 ? ['', `In ${files.map((rewrite) => `${rewrite.file}:${rewrite.line}`).join(', ')}.`] : [])
  ];
}
