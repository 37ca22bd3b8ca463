import * as core from '@actions/core';
import type { CommandReport } from '../commands/report.js';
import type { UpdateReport } from '../commands/update.js';

export function setReportOutputs(report: CommandReport): void {
  core.setOutput('lockfile', report.lockfile);
  core.setOutput('changed', String(report.changed));
  core.setOutput('digests', JSON.stringify(Object.fromEntries(report.images.map((image) => [image.reference, image.digest]))));
  core.setOutput('findings', String(report.findings.length));
}

/** `updated`: the pins moved, as `{reference, from, to}`; `report`: the Markdown report's path. */
export function setUpdateOutputs(report: UpdateReport, reportPath: string): void {
  core.setOutput('updated', JSON.stringify(report.updated.map(({ reference, from, to }) => ({ reference, from, to }))));
  core.setOutput('report', reportPath);
}

/** `cache-hit`: `true` when every layer came from the cache, `partial` when some did, else `false`. */
export function setCacheHitOutput(outcome: 'hit' | 'partial' | 'miss'): void {
  core.setOutput('cache-hit', { hit: 'true', partial: 'partial', miss: 'false' }[outcome]);
}
