import type { LockEntry, Lockfile } from '../lockfile/lockfile.js';
import { sourcesOf, type Usage } from './collect.js';
import { noticesAt } from './notices.js';
import type { Notice } from './report.js';

/** The lockfile as stored, for messages (`name`) and annotations (`file`, `text`). */
export interface StoredLockfile {
  lockfile: Lockfile;
  /** The path as the user gave it. */
  name: string;
  /** Repository-relative path. */
  file: string;
  text: string;
}

export interface LockedUsage {
  usage: Usage;
  entry: LockEntry;
}

export interface Coverage {
  locked: LockedUsage[];
  /** Lockfile keys no longer used. */
  unused: string[];
  /** Each reference missing from the lockfile, on each line it is used; each unused entry, on its line in the lockfile. */
  failures: Notice[];
  /** Entries whose recorded sources are not where the reference is used now (lock would rewrite them). */
  warnings: Notice[];
}

/** How the lockfile covers the references in use: it must hold each of them and nothing else. */
export function lockfileCoverage(usages: Usage[], stored: StoredLockfile): Coverage {
  const coverage: Coverage = { locked: [], unused: [], failures: [], warnings: [] };
  const { images } = stored.lockfile;
  const rerun = 'run `image-lock lock` to update it';
  for (const usage of usages) {
    const key = usage.reference.toString();
    const entry = images[key];
    if (!entry) {
      coverage.failures.push(...noticesAt(usage, `${key} is not in the lockfile ${stored.name}; ${rerun}`));
      continue;
    }
    coverage.locked.push({ usage, entry });
    const sources = sourcesOf(usage);
    if (sources.join('\n') !== entry.sources.join('\n')) {
      const listed = (paths: string[]) => (paths.length ? paths.join(', ') : 'no file');
      const message = `${key} is used in ${listed(sources)}, but ${stored.name} lists ${listed(entry.sources)}; ${rerun}`;
      coverage.warnings.push({ message, file: stored.file, line: lineOfKey(stored.text, key) });
    }
  }
  const used = new Set(usages.map((usage) => usage.reference.toString()));
  coverage.unused = Object.keys(images).filter((key) => !used.has(key));
  for (const key of coverage.unused) {
    coverage.failures.push({
      message: `${key} is in ${stored.name} but no longer used; ${rerun}`,
      file: stored.file,
      line: lineOfKey(stored.text, key)
    });
  }
  return coverage;
}

/** The 1-based line where the lockfile's entry for `key` starts; undefined when it cannot be found. */
function lineOfKey(text: string, key: string): number | undefined {
  const start = `${JSON.stringify(key)}:`;
  const index = text.split('\n').findIndex((line) => line.trimStart().startsWith(start));
  return index === -1 ? undefined : index + 1;
}
