import type { CommandReport } from '../commands/report.js';
import type { UpdateReport } from '../commands/update.js';
import { formatUpdateReport } from './print-update.js';

const VERBS = { lock: 'Locked', verify: 'Verified', pin: 'Pinned' };

/** The human-readable result on stdout. */
export function formatReport(report: CommandReport): string {
  if (report.command === 'update') return formatUpdateReport(report as UpdateReport);
  const lines: string[] = [];
  const verb = VERBS[report.command];
  const change = report.command === 'verify' ? '' : report.changed ? ' (updated)' : ' (unchanged)';
  lines.push(`${verb} ${report.images.length} image${report.images.length === 1 ? '' : 's'} in ${report.lockfile}${change}`);
  for (const image of report.images) {
    const was = image.previousDigest && image.previousDigest !== image.digest ? ` (was ${image.previousDigest})` : '';
    lines.push(`  ${image.reference}`, `    ${image.digest}${was}`);
    for (const [platform, digest] of Object.entries(image.platforms)) lines.push(`    ${platform.padEnd(24)} ${digest}`);
  }
  for (const removed of report.removed) lines.push(`  ${report.command === 'verify' ? 'unused' : 'removed'} ${removed}`);
  for (const rewrite of report.rewritten) lines.push(`  pinned ${rewrite.file}:${rewrite.line} ${rewrite.from} -> ${rewrite.to}`);
  return `${lines.join('\n')}\n`;
}

/** Findings, problems, warnings and failures on stderr, in the `file:line: level: message` form editors read. */
export function formatDiagnostics(report: CommandReport): string {
  const lines = [
    ...report.problems.map((problem) => `${problem.file}:${problem.line}: warning: ${problem.message}`),
    ...report.findings.map((finding) => `${where(finding)}${finding.level === 'error' ? 'error' : 'warning'}: ${finding.message}`),
    ...report.warnings.map((warning) => `${where(warning)}warning: ${warning.message}`),
    ...report.failures.map((failure) => `${where(failure)}error: ${failure.message}`)
  ];
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** `file:line: ` for a finding or notice in a file; nothing for one about a given image. */
function where(finding: { file?: string; line?: number }): string {
  if (!finding.file) return '';
  return finding.line ? `${finding.file}:${finding.line}: ` : `${finding.file}: `;
}
