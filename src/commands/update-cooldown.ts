const DAY_MS = 24 * 60 * 60 * 1000;

export type UnknownAge = 'take' | 'skip';

export interface Cooldown {
  /** Least age in days of an image before it is taken; 0 takes any. */
  days: number;
  /** What to do with an image whose age cannot be told. */
  unknown: UnknownAge;
}

export type CooldownVerdict =
  { take: true } | { take: false; reason: 'cooldown'; eligibleOn: string } | { take: false; reason: 'unknown-age' };

/**
 * Whether an image is old enough at `now`, counted from the later of its `created` (which
 * its publisher writes) and the day image-lock first saw its digest (`firstSeen`, UTC),
 * so that neither a registry without dates nor a back-dated `created` rushes it through;
 * when not, the day it will be. Only an explicit `take` lets an image without `created` in at once.
 */
export function cooldownVerdict(created: Date | undefined, firstSeen: string | undefined, now: Date, cooldown: Cooldown): CooldownVerdict {
  if (!created && cooldown.unknown === 'take') return { take: true };
  const starts = [created?.getTime(), firstSeen === undefined ? undefined : Date.parse(`${firstSeen}T00:00:00Z`)];
  const known = starts.filter((time): time is number => time !== undefined);
  if (known.length === 0) return { take: false, reason: 'unknown-age' };
  const eligible = new Date(Math.max(...known) + cooldown.days * DAY_MS);
  if (now >= eligible) return { take: true };
  return { take: false, reason: 'cooldown', eligibleOn: eligible.toISOString().slice(0, 10) };
}

/** Age in whole days (never negative: a clock ahead of the registry's counts as 0). */
export function ageInDays(created: Date, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - created.getTime()) / DAY_MS));
}
