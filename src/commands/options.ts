import { resolve } from 'node:path';
import { InputError } from '../errors.js';
import { isInside } from '../fs/confine.js';
import { repositoryRoot } from '../fs/repository-root.js';
import { DEFAULT_LOCKFILE } from '../lockfile/lockfile.js';
import { parsePlatform, type Platform } from '../platform/platform.js';
import type { Level } from '../policy/policy.js';
import { parseBaseUrl } from '../remote/endpoint.js';
import { parseSignatureOptions, type RawSignatureOptions, type SignatureOptions } from './signature-options.js';

/** Everything `lock`, `verify` and `pin` take, parsed once from the CLI's flags or the action's inputs. */
export interface CommandOptions {
  /** Repository root: globs and `sources` are relative to it. */
  cwd: string;
  /** Globs of files to scan; empty means SPEC's default globs, unless images were given. */
  files: string[];
  /** Globs of paths never scanned, on top of SPEC's never-scanned ones. */
  exclude: string[];
  images: string[];
  lockfile: string;
  platforms: Platform[];
  mutable: Level;
  latest: Level;
  allow: string[];
  drift: Level;
  mirrors: Record<string, string[]>;
  insecureRegistries: string[];
  concurrency: number;
  /** Seconds without a byte before a registry response counts as stalled. */
  timeout: number;
  githubToken?: string;
  /**
   * Where a path the user named (`lockfile`, the update report) may be written: anywhere
   * when absent, as on the command line; the workspace and `RUNNER_TEMP` in the action.
   */
  writableRoots?: string[];
  /** Whether the user named the lockfile; the default one is the repository's own file. */
  lockfileNamed?: boolean;
  /** The moment the run counts from: the lockfile's `firstSeen` days and the cooldown (`IMAGE_LOCK_NOW` sets it). */
  now: Date;
  /** Signature verification (`--verify-signatures`), absent when off. */
  signatures?: SignatureOptions;
}

/** A registry that sends no byte for this long has stalled (SPEC: `--timeout`, input `timeout`). */
export const DEFAULT_TIMEOUT_SECONDS = 20;

// Manifest requests are small; 16 in flight hides most round trips without pressing a registry.
export const DEFAULT_CONCURRENCY = 16;

export interface RawOptions extends RawSignatureOptions {
  cwd: string;
  files?: string[];
  exclude?: string[];
  images?: string[];
  lockfile?: string;
  platforms?: string[];
  mutable?: string;
  latest?: string;
  allow?: string[];
  drift?: string;
  mirrors?: string[];
  insecureRegistries?: string[];
  concurrency?: string;
  timeout?: string;
  githubToken?: string;
  writableRoots?: string[];
  /** `IMAGE_LOCK_NOW`: a day (`2026-12-05`) or an ISO time; empty is the clock's time. */
  now?: string;
}

/** One parser for both entries, so an empty value means the default in each. */
export function parseCommandOptions(raw: RawOptions): CommandOptions {
  return {
    cwd: raw.cwd,
    files: insideRepository(raw.cwd, nonEmpty(raw.files)),
    exclude: nonEmpty(raw.exclude),
    images: nonEmpty(raw.images),
    lockfile: raw.lockfile?.trim() || DEFAULT_LOCKFILE,
    platforms: nonEmpty(raw.platforms).map(parsePlatform),
    mutable: parseLevel('mutable', raw.mutable, 'warn'),
    latest: parseLevel('latest', raw.latest, 'warn'),
    allow: nonEmpty(raw.allow),
    drift: parseLevel('drift', raw.drift, 'warn'),
    mirrors: parseMirrors(nonEmpty(raw.mirrors)),
    insecureRegistries: nonEmpty(raw.insecureRegistries),
    concurrency: parseConcurrency(raw.concurrency),
    timeout: parseTimeout(raw.timeout),
    githubToken: raw.githubToken || undefined,
    ...(raw.writableRoots ? { writableRoots: raw.writableRoots } : {}),
    ...(raw.lockfile?.trim() ? { lockfileNamed: true } : {}),
    signatures: parseSignatureOptions(raw, parseLevel('verify-signatures', raw.verifySignatures, 'ignore')),
    now: parseNow(raw.now)
  };
}

/**
 * Where the lockfile may be written: a lockfile the user named is written where asked
 * (within `writableRoots` when set); the default one is a file of the repository, so a
 * symbolic link taking it outside the repository is refused, as for the files `pin` rewrites.
 */
export async function lockfileRoots(options: CommandOptions): Promise<readonly string[] | undefined> {
  if (options.writableRoots) return options.writableRoots;
  return options.lockfileNamed ? undefined : [await repositoryRoot(options.cwd)];
}

/** Lists may come comma- or newline-separated (action inputs) or repeated (flags). */
export function nonEmpty(values: string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((value) => value.split(/[\n,]/))
    .map((value) => value.trim())
    .filter(Boolean);
}

export function parseLevel(name: string, value: string | undefined, fallback: Level): Level {
  const level = value?.trim() || fallback;
  if (level === 'error' || level === 'warn' || level === 'ignore') return level;
  throw new InputError(`invalid ${name} level "${value}": expected error, warn or ignore`);
}

function parseConcurrency(value: string | undefined): number {
  if (!value?.trim()) return DEFAULT_CONCURRENCY;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > 64) {
    throw new InputError(`invalid concurrency "${value}": expected a whole number from 1 to 64`);
  }
  return number;
}

function parseTimeout(value: string | undefined): number {
  if (!value?.trim()) return DEFAULT_TIMEOUT_SECONDS;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) {
    throw new InputError(`invalid timeout "${value}": expected seconds, more than 0 and at most 3600`);
  }
  return seconds;
}

/** The run's "today" is settable, so that a CI replay or a test sees the days it means to. */
function parseNow(value: string | undefined): Date {
  if (!value?.trim()) return new Date();
  const time = Date.parse(value.trim());
  if (!Number.isFinite(time)) throw new InputError(`invalid IMAGE_LOCK_NOW "${value}": expected a day such as 2026-12-05, or an ISO time`);
  return new Date(time);
}

/** The UTC day of `time`, `YYYY-MM-DD`, as the lockfile's `firstSeen` holds it. */
export function dayOf(time: Date): string {
  return time.toISOString().slice(0, 10);
}

/** File globs name files of the repository: one reaching outside it is bad input, not an empty match. */
function insideRepository(cwd: string, patterns: string[]): string[] {
  const outside = patterns.filter((pattern) => !isInside(resolve(cwd), resolve(cwd, pattern)));
  if (outside.length > 0) throw new InputError(`outside the repository ${cwd}: ${outside.join(', ')}`);
  return patterns;
}

/** `docker.io=https://mirror.example` pairs; several mirrors of one registry keep their order. */
function parseMirrors(values: string[]): Record<string, string[]> {
  const mirrors: Record<string, string[]> = {};
  for (const value of values) {
    const at = value.indexOf('=');
    if (at <= 0 || at === value.length - 1) throw new InputError(`invalid mirror "${value}": expected REGISTRY=URL`);
    const registry = value.slice(0, at).trim();
    const url = value.slice(at + 1).trim();
    parseBaseUrl(url);
    (mirrors[registry === 'index.docker.io' ? 'docker.io' : registry] ??= []).push(url);
  }
  return mirrors;
}
