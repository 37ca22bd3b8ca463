import type { DiscoveryProblem } from '../discovery/types.js';
import type { Rewrite } from '../pin/pin.js';
import type { Finding } from '../policy/policy.js';
import type { RegistryClient, RequestCounts } from '../remote/registry-client.js';
import type { RateLimit } from '../transport/ratelimit.js';
import { invalidFindings, sortFindings } from './findings.js';
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

/** Something verify or pin reports, on the file and line it concerns when it has one (an annotation target). */
export interface Notice {
  message: string;
  file?: string;
  line?: number;
}

/** What `lock`, `verify` and `pin` report; the entries print it and pick the exit code from it. */
export interface CommandReport {
  command: 'lock' | 'verify' | 'pin' | 'update';
  /** The lockfile's path as the user gave it. */
  lockfile: string;
  /** Whether the lockfile's bytes changed, or (pin) a file was rewritten; always false for verify. */
  changed: boolean;
  images: ImageReport[];
  /** References the old lockfile held that are no longer used. */
  removed: string[];
  findings: Finding[];
  problems: DiscoveryProblem[];
  /** Verification failures (verify): missing, unused or drifted references; each fails the run. */
  failures: Notice[];
  /** Reported without failing: drift at level warn and outdated sources (verify), occurrences pin could not rewrite. */
  warnings: Notice[];
  /** Occurrences rewritten to `name:tag@digest` (pin). */
  rewritten: Rewrite[];
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
  failures?: Notice[];
  warnings?: Notice[];
  rewritten?: Rewrite[];
}

export function commandReport(command: CommandReport['command'], parts: ReportParts): CommandReport {
  return {
    command,
    lockfile: parts.options.lockfile,
    changed: parts.changed,
    images: parts.images,
    removed: parts.removed,
    // A reference in a file that does not parse fails the run, as a finding on its line.
    findings: sortFindings([...parts.findings, ...invalidFindings(parts.problems)]),
    problems: parts.problems.filter((problem) => !problem.invalid),
    failures: parts.failures ?? [],
    warnings: parts.warnings ?? [],
    rewritten: parts.rewritten ?? [],
    rateLimits: Object.fromEntries(parts.client.rateLimits),
    requests: { ...parts.client.counts },
    durationMs: Date.now() - parts.started
  };
}

/** Exit code 1 when a finding at level `error` or a verification failure stands; else 0. */
export function reportExitCode(report: CommandReport): 0 | 1 {
  return report.failures.length > 0 || report.findings.some((finding) => finding.level === 'error') ? 1 : 0;
}
