import type { CliArgs } from './args.js';
import type { CliIo } from './run.js';

/** `image-lock pull`: its own report and exit code. */
export async function runPull(_args: CliArgs, _io: CliIo): Promise<number> {
  throw new Error('pull: not implemented yet');
}
