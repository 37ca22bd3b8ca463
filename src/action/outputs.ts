import * as core from '@actions/core';
import type { CommandReport } from '../commands/report.js';

export function setReportOutputs(report: CommandReport): void {
  core.setOutput('lockfile', report.lockfile);
  core.setOutput('changed', String(report.changed));
  core.setOutput('digests', JSON.stringify(Object.fromEntries(report.images.map((image) => [image.reference, image.digest]))));
  core.setOutput('findings', String(report.findings.length));
}
