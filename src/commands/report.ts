import type { DiscoveryProblem } from '../discovery/types.js';
import type { Finding } from '../policy/policy.js';
import type { RegistryClient, RequestCounts } from '../remote/registry-client.js';
import type { RateLimit } from '../transport/ratelimit.js';
import type { CommandOptions } from './options.js';

/** One image as a command saw it, for the summary, the `--json` output and the action's outputs. */
export interface ImageReport {
  reference: string;
  digest: string;
  mediaType: string;
  platforms: Record<string, string>;
  sources: string[];
  /** The digest the lockfile held before, when it held this reference. */
  previousDigest?: string;
}

/** What `lock`, `verify` and `pin` report; the entries print it and pick the exit code from it. */
export interface CommandReport {
  command: 'lock' | 'verify' | 'pin';
  /** The lockfile's path as the user gave it. */
  lockfile: string;
  /** Whether the lockfile's bytes changed (always false for verify). */
  changed: boolean;
  images: ImageReport[];
  /** References the old lockfile held that are no longer used. */
  removed: string[];
  findings: Finding[];
  problems: DiscoveryProblem[];
  /** Verification failures (verify): missing, stale or drifted references. */
  failures: string[];
  rateLimits: Record<string, RateLimit>;
  requests: RequestCounts;
  durationMs: number;
}

export interface ReportParts {
  options: CommandOptions;
  client: RegistryClient;
  started: number;
  changed: boolean;
  images: ImageReport[];
  removed: string[];
  findings: Finding[];
  problems: DiscoveryProblem[];
  failures?: string[];
}

export function commandReport(command: CommandReport['command'], parts: ReportParts): CommandReport {
  return {
    command,
    lockfile: parts.options.lockfile,
    changed: parts.changed,
    images: parts.images,
    removed: parts.removed,
    findings: parts.findings,
    problems: parts.problems,
    failures: parts.failures ?? [],
    rateLimits: Object.fromEntries(parts.client.rateLimits),
    requests: { ...parts.client.counts },
    durationMs: Date.now() - parts.started
  };
}

/** Exit code 1 when a finding at level `error` or a verification failure stands; else 0. */
export function reportExitCode(report: CommandReport): 0 | 1 {
  return report.failures.length > 0 || report.findings.some((finding) => finding.level === 'error') ? 1 : 0;
}
