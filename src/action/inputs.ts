import * as core from '@actions/core';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { nonEmpty, parseCommandOptions, type CommandOptions } from '../commands/options.js';
import { parseUpdateOptions, type UpdateOptions } from '../commands/update-options.js';
import { parsePlatform, type Platform } from '../platform/platform.js';

/** The action's inputs, parsed once; an unset or empty input means its default, as in action.yml. */
export interface ActionInputs {
  mode: 'lock' | 'verify' | 'pin' | 'update';
  command: CommandOptions;
  /** The command options with `update`'s own: cooldown, cooldown-unknown, newer. */
  update: UpdateOptions;
  pull: boolean;
  /** Undefined means the runner's own platform. */
  pullPlatform?: Platform;
  cache: boolean;
  summary: boolean;
}

export function readInputs(cwd = process.env.GITHUB_WORKSPACE || process.cwd()): ActionInputs {
  const mode = core.getInput('mode') || 'lock';
  if (mode !== 'lock' && mode !== 'verify' && mode !== 'pin' && mode !== 'update') {
    throw new InputError(`invalid mode "${mode}": expected lock, verify, pin or update`);
  }
  const list = (name: string) => nonEmpty([core.getInput(name)]);
  const pullPlatform = core.getInput('pull-platform');
  const command = parseCommandOptions({
    cwd,
    files: list('files'),
    exclude: list('exclude'),
    images: list('images'),
    lockfile: core.getInput('lockfile'),
    platforms: list('platforms'),
    mutable: core.getInput('mutable'),
    latest: core.getInput('latest'),
    allow: list('allow'),
    drift: core.getInput('drift'),
    mirrors: list('registry-mirrors'),
    insecureRegistries: list('insecure-registries'),
    concurrency: core.getInput('concurrency'),
    timeout: core.getInput('timeout'),
    githubToken: core.getInput('github-token'),
    // The runner's workspace and temporary folder: what a job may write, and nothing else.
    writableRoots: [cwd, process.env.RUNNER_TEMP].filter((root): root is string => Boolean(root)),
    verifySignatures: core.getInput('verify-signatures'),
    trustPolicy: core.getInput('trust-policy'),
    trustedRoot: core.getInput('trusted-root'),
    // Kept between jobs on self-hosted runners, as the layer cache's local tier is.
    tufCache: join(process.env.RUNNER_TOOL_CACHE || process.env.RUNNER_TEMP || tmpdir(), 'image-lock', 'sigstore-tuf'),
    tufMirror: process.env.IMAGE_LOCK_TUF_MIRROR,
    tufRoot: process.env.IMAGE_LOCK_TUF_ROOT,
    now: process.env.IMAGE_LOCK_NOW
  });
  return {
    mode,
    command,
    update: parseUpdateOptions(command, {
      cooldown: core.getInput('cooldown'),
      cooldownUnknown: core.getInput('cooldown-unknown'),
      newer: readBoolean('newer', false)
    }),
    pull: readBoolean('pull', false),
    pullPlatform: pullPlatform ? parsePlatform(pullPlatform) : undefined,
    cache: readBoolean('cache', true),
    summary: readBoolean('summary', true)
  };
}

/** YAML 1.2 core booleans, as `core.getBooleanInput` takes them, but empty means the default. */
function readBoolean(name: string, fallback: boolean): boolean {
  const value = core.getInput(name);
  if (!value) return fallback;
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  throw new InputError(`invalid ${name} "${value}": expected true or false`);
}
