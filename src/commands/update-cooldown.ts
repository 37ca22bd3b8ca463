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

/** Whether an image built at `created` is old enough at `now`; when not, the day it will be. */
export function cooldownVerdict(created: Date | undefined, now: Date, cooldown: Cooldown): CooldownVerdict {
  if (!created) return cooldown.unknown === 'take' ? { take: true } : { take: false, reason: 'unknown-age' };
  const eligible = new Date(created.getTime() + cooldown.days * DAY_MS);
  if (now >= eligible) return { take: true };
  return { take: false, reason: 'cooldown', eligibleOn: eligible.toISOString().slice(0, 10) };
}

/** Age in whole days (never negative: a clock ahead of the registry's counts as 0). */
export function ageInDays(created: Date, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - created.getTime()) / DAY_MS));
}
