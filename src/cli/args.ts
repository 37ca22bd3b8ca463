import { parseArgs } from 'node:util';
import { InputError } from '../errors.js';

export const USAGE = `Usage:
  image-lock list   [--file GLOB]... [--exclude GLOB]... [--json]
  image-lock lock   [--file GLOB]... [--exclude GLOB]... [--image REF]... [--lockfile PATH] [--platform P]...
  image-lock verify [same options] [--drift error|warn|ignore]
  image-lock pin    [same options]
  image-lock update [same options] [--cooldown DAYS] [--cooldown-unknown take|skip] [--newer] [--report FILE]
  image-lock pull   [--lockfile PATH] [--platform P] [--cache-dir DIR] [--no-load]

Common options:
  --file GLOB                   scan these files instead of the default globs
  --exclude GLOB                never scan matching paths
  --mutable error|warn|ignore   references not pinned by digest (default warn)
  --latest error|warn|ignore    explicit or implicit latest tags (default warn)
  --allow PATTERN               exempt matching references from the rules
  --mirror REGISTRY=URL         try a mirror before the registry
  --insecure-registry HOST      reach HOST over plain http
  --concurrency N               requests in flight (default 16)
  --timeout SECONDS             a registry response with no byte for this long has stalled (default 20)
  --json                        print one JSON document on stdout

Signature options (lock, verify, update):
  --verify-signatures error|warn|ignore  a locked digest not signed as the trust policy says (default ignore: not checked)
  --trust-policy FILE           who may sign which images (default .github/image-lock-trust.yml)
  --trusted-root FILE           the Sigstore trusted root for keyless signatures (protobuf-specs JSON;
                                default: Sigstore's public-good root, through its TUF repository)

Update options:
  --cooldown DAYS               take a moved tag's image only once it is this old (default 0)
  --cooldown-unknown take|skip  an image of unknown age (default skip with a cooldown)
  --newer                       also list newer version-shaped tags (never rewritten)
  --report FILE                 write a Markdown account of what changed (a pull request body)

Other:
  -h, --help                    this text
  -v, --version                 the version

Exit codes: 0 fine, 1 policy or verification failure, 2 bad input, 3 registry or network failure.`;

export const COMMANDS = ['list', 'lock', 'verify', 'pin', 'update', 'pull'] as const;
export type CommandName = (typeof COMMANDS)[number];

export interface CliArgs {
  command: CommandName | 'help' | 'version';
  values: {
    file?: string[];
    exclude?: string[];
    image?: string[];
    lockfile?: string;
    platform?: string[];
    mutable?: string;
    latest?: string;
    allow?: string[];
    drift?: string;
    mirror?: string[];
    'insecure-registry'?: string[];
    concurrency?: string;
    timeout?: string;
    json?: boolean;
    'cache-dir'?: string;
    'no-load'?: boolean;
    cooldown?: string;
    'cooldown-unknown'?: string;
    newer?: boolean;
    report?: string;
    'verify-signatures'?: string;
    'trust-policy'?: string;
    'trusted-root'?: string;
  };
}

const OPTIONS = {
  file: { type: 'string', multiple: true },
  exclude: { type: 'string', multiple: true },
  image: { type: 'string', multiple: true },
  lockfile: { type: 'string' },
  platform: { type: 'string', multiple: true },
  mutable: { type: 'string' },
  latest: { type: 'string' },
  allow: { type: 'string', multiple: true },
  drift: { type: 'string' },
  mirror: { type: 'string', multiple: true },
  'insecure-registry': { type: 'string', multiple: true },
  concurrency: { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
  'cache-dir': { type: 'string' },
  'no-load': { type: 'boolean' },
  cooldown: { type: 'string' },
  'cooldown-unknown': { type: 'string' },
  newer: { type: 'boolean' },
  report: { type: 'string' },
  'verify-signatures': { type: 'string' },
  'trust-policy': { type: 'string' },
  'trusted-root': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' }
} as const;

/** One line and where to look, not the whole usage: the mistake stays on the screen. */
const SEE_HELP = 'run image-lock --help for the commands and options';

/** Flags that only some commands take; anything else given to them is bad input. */
const ONLY_FOR: Record<string, CommandName[]> = {
  drift: ['verify'],
  'cache-dir': ['pull'],
  'no-load': ['pull'],
  file: ['list', 'lock', 'verify', 'pin', 'update'],
  exclude: ['list', 'lock', 'verify', 'pin', 'update'],
  image: ['lock', 'verify', 'pin', 'update'],
  cooldown: ['update'],
  'cooldown-unknown': ['update'],
  newer: ['update'],
  report: ['update'],
  'verify-signatures': ['lock', 'verify', 'pin', 'update'],
  'trust-policy': ['lock', 'verify', 'pin', 'update'],
  'trusted-root': ['lock', 'verify', 'pin', 'update']
};

export function parseCliArgs(argv: string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new InputError(`${parseErrorMessage(error as Error & { code?: string })}; ${SEE_HELP}`);
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: 'help', values };
  if (values.version) return { command: 'version', values };
  const [command, ...extra] = positionals;
  if (!command) throw new InputError(`no command given\n\n${USAGE}`);
  if (!(COMMANDS as readonly string[]).includes(command)) throw new InputError(`unknown command "${command}"; ${SEE_HELP}`);
  if (extra.length > 0) throw new InputError(`unexpected argument "${extra[0]}"`);
  for (const [flag, commands] of Object.entries(ONLY_FOR)) {
    if (values[flag as keyof typeof values] !== undefined && !commands.includes(command as CommandName)) {
      throw new InputError(`--${flag} does not apply to ${command}`);
    }
  }
  if (command === 'pull' && (values.platform?.length ?? 0) > 1) throw new InputError('pull takes one --platform');
  return { command: command as CommandName, values };
}

/** Node's parseArgs messages, without the advice about positionals that does not apply here. */
function parseErrorMessage(error: Error & { code?: string }): string {
  const option = /'(-[^' ]+)/.exec(error.message)?.[1];
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `unknown option ${option}`;
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) return `${option} needs a value`;
  return error.message;
}
