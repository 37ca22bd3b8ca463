import * as core from '@actions/core';
import { lock } from '../commands/lock.js';
import { pin } from '../commands/pin.js';
import { update, type UpdateReport } from '../commands/update.js';
import { verify } from '../commands/verify.js';
import type { Log } from '../commands/log.js';
import type { CommandOptions } from '../commands/options.js';
import { reportExitCode, type CommandReport } from '../commands/report.js';
import { messageOf } from '../errors.js';
import { annotate } from './annotations.js';
import { readInputs, type ActionInputs } from './inputs.js';
import { pullStep } from './pull-step.js';
import { setReportOutputs, setUpdateOutputs } from './outputs.js';
import { writeUpdateReport } from './update-report.js';
import { writeSummary } from './summary.js';

const log: Log = { info: (message) => core.info(message), warn: (message) => core.warning(message) };

const MODES: Record<Exclude<ActionInputs['mode'], 'update'>, (options: CommandOptions, log: Log) => Promise<CommandReport>> = {
  lock,
  verify,
  pin
};

/** The action's main step: lock, verify, pin or update, then annotate, summarise and set outputs. */
export async function run(): Promise<void> {
  try {
    const inputs = readInputs();
    if (inputs.command.githubToken) core.setSecret(inputs.command.githubToken);
    const report = inputs.mode === 'update' ? await update(inputs.update, log) : await MODES[inputs.mode](inputs.command, log);
    annotate(report);
    setReportOutputs(report);
    if (report.command === 'update') setUpdateOutputs(report as UpdateReport, await writeUpdateReport(report as UpdateReport));
    if (inputs.summary) await writeSummary(report);
    if (reportExitCode(report) !== 0) return core.setFailed(failureMessage(report));
    if (inputs.pull) await pullStep(inputs);
  } catch (error) {
    core.setFailed(messageOf(error));
  }
}

function failureMessage(report: CommandReport): string {
  const errors = report.findings.filter((finding) => finding.level === 'error').length;
  const parts = report.failures.map((failure) => failure.message);
  if (errors > 0) parts.push(`${errors} finding${errors === 1 ? '' : 's'} at level error`);
  return `image-lock ${report.command} failed: ${parts.join('; ')}`;
}
