/**
 * Tags shaped like versions (`1.25`, `1.25.3-alpine`, `v2.1`): an optional `v`, one to
 * four dot-separated numbers and an optional `-suffix`. Two tags have the same shape
 * when prefix, count of numbers and suffix agree, so `1.25-alpine` is followed by
 * `1.26-alpine`, never by `1.26` or `1.25.4-alpine`.
 */
export interface VersionTag {
  tag: string;
  /** `v` or ''. */
  prefix: string;
  numbers: number[];
  /** `-alpine`, `-bookworm-slim`, or ''. */
  suffix: string;
}

const VERSION_TAG = /^(v?)(\d+(?:\.\d+){0,3})(-[A-Za-z0-9][A-Za-z0-9._-]*)?$/;

/** The tag's version shape; undefined for a tag that is not one (`latest`, `bookworm`, `sha-1a2b3c`). */
export function parseVersionTag(tag: string): VersionTag | undefined {
  const match = VERSION_TAG.exec(tag);
  if (!match) return undefined;
  const numbers = match[2].split('.').map(Number);
  if (numbers.some((number) => !Number.isSafeInteger(number))) return undefined;
  return { tag, prefix: match[1], numbers, suffix: match[3] ?? '' };
}

export function sameShape(a: VersionTag, b: VersionTag): boolean {
  return a.prefix === b.prefix && a.suffix === b.suffix && a.numbers.length === b.numbers.length;
}

/** Negative when `a` is the older version, positive when newer, 0 when equal (`1.02` equals `1.2`). */
export function compareVersions(a: VersionTag, b: VersionTag): number {
  for (let i = 0; i < Math.max(a.numbers.length, b.numbers.length); i++) {
    const difference = (a.numbers[i] ?? 0) - (b.numbers[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** The tags newer than `current` with its shape, oldest first; none when `current` is no version. */
export function newerTags(current: string, tags: readonly string[]): string[] {
  const base = parseVersionTag(current);
  if (!base) return [];
  return tags
    .map(parseVersionTag)
    .filter((tag): tag is VersionTag => tag !== undefined && sameShape(tag, base) && compareVersions(tag, base) > 0)
    .sort((a, b) => compareVersions(a, b) || (a.tag < b.tag ? -1 : 1))
    .map((tag) => tag.tag);
}
