import { exitCodeOf, messageOf } from '../errors.js';
import { lock } from '../commands/lock.js';
import { pin } from '../commands/pin.js';
import { update } from '../commands/update.js';
import { parseUpdateOptions } from '../commands/update-options.js';
import { verify } from '../commands/verify.js';
import type { Log } from '../commands/log.js';
import { parseCommandOptions, type CommandOptions } from '../commands/options.js';
import { reportExitCode, type CommandReport } from '../commands/report.js';
import { parseCliArgs, USAGE, type CliArgs } from './args.js';
import { runList } from './list.js';
import { runPull } from './pull.js';
import { packageVersion } from './version.js';
import { userTufCache } from '../signature/public-good-root.js';
import { formatReport, formatDiagnostics } from './print.js';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  /** Where `IMAGE_LOCK_NOW`, `IMAGE_LOCK_TUF_*` and the cache folder are read; the process's environment unless given. */
  env?: Record<string, string | undefined>;
}

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd()
};

const COMMANDS: Record<'lock' | 'verify' | 'pin', (options: CommandOptions, log: Log) => Promise<CommandReport>> = { lock, verify, pin };

/** The CLI: parse, run one command, print, and give the exit code SPEC fixes. */
export async function run(argv: string[], io: CliIo = processIo): Promise<number> {
  let json = argv.includes('--json');
  try {
    const args = parseCliArgs(argv);
    json = args.values.json === true;
    if (args.command === 'help' || args.command === 'version') {
      io.stdout(`${args.command === 'help' ? USAGE : packageVersion()}\n`);
      return 0;
    }
    if (args.command === 'pull') return await runPull(args, io);
    if (args.command === 'list') return await runList(args, io);
    const log: Log = { info: (message) => io.stderr(`${message}\n`), warn: (message) => io.stderr(`warning: ${message}\n`) };
    const options = toOptions(args, io.cwd, io.env ?? process.env);
    const report =
      args.command === 'update'
        ? await update(
            parseUpdateOptions(options, {
              cooldown: args.values.cooldown,
              cooldownUnknown: args.values['cooldown-unknown'],
              newer: args.values.newer,
              reportFile: args.values.report
            }),
            log
          )
        : await COMMANDS[args.command](options, log);
    io.stderr(formatDiagnostics(report));
    io.stdout(json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    return reportExitCode(report);
  } catch (error) {
    io.stderr(`image-lock: ${messageOf(error)}\n`);
    if (json) io.stdout(`${JSON.stringify({ error: messageOf(error), exitCode: exitCodeOf(error) }, null, 2)}\n`);
    return exitCodeOf(error);
  }
}

function toOptions({ values }: CliArgs, cwd: string, env: NodeJS.ProcessEnv): CommandOptions {
  return parseCommandOptions({
    cwd,
    files: values.file,
    exclude: values.exclude,
    images: values.image,
    lockfile: values.lockfile,
    platforms: values.platform,
    mutable: values.mutable,
    latest: values.latest,
    allow: values.allow,
    drift: values.drift,
    mirrors: values.mirror,
    insecureRegistries: values['insecure-registry'],
    concurrency: values.concurrency,
    timeout: values.timeout,
    verifySignatures: values['verify-signatures'],
    trustPolicy: values['trust-policy'],
    trustedRoot: values['trusted-root'],
    tufCache: userTufCache(env),
    tufMirror: env.IMAGE_LOCK_TUF_MIRROR,
    tufRoot: env.IMAGE_LOCK_TUF_ROOT,
    now: env.IMAGE_LOCK_NOW
  });
}
