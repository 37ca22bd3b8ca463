import type { CommandReport } from '../commands/report.js';

/** The human-readable result on stdout. */
export function formatReport(report: CommandReport): string {
  const lines: string[] = [];
  const verb = { lock: 'Locked', verify: 'Verified', pin: 'Pinned' }[report.command];
  const change = report.command === 'lock' ? (report.changed ? ' (updated)' : ' (unchanged)') : '';
  lines.push(`${verb} ${report.images.length} image${report.images.length === 1 ? '' : 's'} in ${report.lockfile}${change}`);
  for (const image of report.images) {
    const was = image.previousDigest && image.previousDigest !== image.digest ? ` (was ${image.previousDigest})` : '';
    lines.push(`  ${image.reference}`, `    ${image.digest}${was}`);
    for (const [platform, digest] of Object.entries(image.platforms)) lines.push(`    ${platform.padEnd(24)} ${digest}`);
  }
  for (const removed of report.removed) lines.push(`  removed ${removed}`);
  return `${lines.join('\n')}\n`;
}

/** Findings, problems and failures on stderr, in the `file:line: level: message` form editors read. */
export function formatDiagnostics(report: CommandReport): string {
  const lines = [
    ...report.problems.map((problem) => `${problem.file}:${problem.line}: warning: ${problem.message}`),
    ...report.findings.map((finding) => `${where(finding)}${finding.level === 'error' ? 'error' : 'warning'}: ${finding.message}`),
    ...report.failures.map((failure) => `error: ${failure}`)
  ];
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** `file:line: ` for a finding in a file; nothing for one about a given image. */
function where(finding: { file?: string; line?: number }): string {
  return finding.file ? `${finding.file}:${finding.line}: ` : '';
}
