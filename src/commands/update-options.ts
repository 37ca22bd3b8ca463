import { InputError } from '../errors.js';
import type { CommandOptions } from './options.js';
import type { Cooldown } from './update-cooldown.js';

/** What `update` takes beyond the common options. */
export interface UpdateOptions extends CommandOptions {
  cooldown: Cooldown;
  /** Also list newer version-shaped tags (never rewritten). */
  newer: boolean;
  /** Where to write the Markdown report, relative to `cwd`; none when undefined. */
  reportFile?: string;
}

export interface RawUpdateOptions {
  cooldown?: string;
  cooldownUnknown?: string;
  newer?: boolean;
  reportFile?: string;
}

/** One parser for the CLI's flags and the action's inputs: empty means the default in each. */
export function parseUpdateOptions(common: CommandOptions, raw: RawUpdateOptions): UpdateOptions {
  const days = parseDays(raw.cooldown);
  const unknown = raw.cooldownUnknown?.trim() || (days > 0 ? 'skip' : 'take');
  if (unknown !== 'take' && unknown !== 'skip') {
    throw new InputError(`invalid cooldown-unknown "${raw.cooldownUnknown}": expected take or skip`);
  }
  return { ...common, cooldown: { days, unknown }, newer: raw.newer ?? false, reportFile: raw.reportFile?.trim() || undefined };
}

function parseDays(value: string | undefined): number {
  if (!value?.trim()) return 0;
  const days = Number(value);
  if (!Number.isFinite(days) || days < 0) throw new InputError(`invalid cooldown "${value}": expected a number of days, 0 or more`);
  return days;
}
