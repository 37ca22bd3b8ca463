import * as core from '@actions/core';
import type { CommandReport } from '../commands/report.js';

/** Every finding, problem, failure and warning as an annotation on the file and line it comes from. */
export function annotate(report: CommandReport): void {
  for (const problem of report.problems) {
    core.warning(problem.message, { title: 'image-lock', file: problem.file, startLine: problem.line });
  }
  for (const finding of report.findings) {
    const properties = { title: `image-lock ${finding.rule}`, file: finding.file, startLine: finding.line };
    if (finding.level === 'error') core.error(finding.message, properties);
    else core.warning(finding.message, properties);
  }
  for (const failure of report.failures) core.error(failure.message, { title: 'image-lock', file: failure.file, startLine: failure.line });
  for (const warning of report.warnings)
    core.warning(warning.message, { title: 'image-lock', file: warning.file, startLine: warning.line });
}
