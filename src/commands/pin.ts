import type { Log } from './log.js';
import type { CommandOptions } from './options.js';
import type { CommandReport } from './report.js';
import type { RegistryClient } from '../remote/registry-client.js';

export async function pin(_options: CommandOptions, _log: Log, _client?: RegistryClient): Promise<CommandReport> {
  throw new Error('pin: not implemented yet');
}
