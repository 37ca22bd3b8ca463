import { formatBytes } from './pull-format.js';
import type { PlatformChange } from './update-change.js';
import type { ImageUpdate } from './update-check.js';

/** The phrases the text, the Markdown report and the job summary share. */

export function ageText(update: ImageUpdate): string {
  if (update.created === undefined) return 'age unknown (its configs state no creation time)';
  const days = update.ageDays ?? 0;
  return `built ${update.created.slice(0, 10)}, ${days} day${days === 1 ? '' : 's'} ago`;
}

/** Why a moved tag was not taken, and when it will be. */
export function skipText(update: ImageUpdate): string {
  if (update.status === 'unsigned') return `not signed as the trust policy says: ${update.signature}`;
  if (update.status === 'not-used') return 'moved for platforms not used here';
  if (update.status === 'cooldown') {
    const seen = update.firstSeen === undefined ? '' : `, first seen ${update.firstSeen}`;
    return `too new for the cooldown (${ageText(update)}${seen}); eligible on ${update.eligibleOn}`;
  }
  return 'its age cannot be told (its configs state no creation time), and cooldown-unknown is skip';
}

export function sizeText(change: PlatformChange): string {
  return change.size === undefined ? 'unknown' : formatBytes(change.size);
}

export function sizeChangeText(change: PlatformChange): string {
  if (change.status === 'removed') return change.previousSize === undefined ? '' : `-${formatBytes(change.previousSize)}`;
  if (change.size === undefined || change.previousSize === undefined) return change.status === 'added' ? 'new' : 'unknown';
  const difference = change.size - change.previousSize;
  return difference === 0 ? '±0' : `${difference > 0 ? '+' : '-'}${formatBytes(Math.abs(difference))}`;
}

export function newLayersText(change: PlatformChange): string {
  return change.newLayers === undefined ? (change.status === 'removed' ? '' : 'unknown') : String(change.newLayers);
}

/** `2 of 3 platforms changed, 1 added`: the headline of one image's change. */
export function platformsHeadline(platforms: readonly PlatformChange[]): string {
  const count = (status: PlatformChange['status']) => platforms.filter((change) => change.status === status).length;
  const kept = platforms.length - count('added') - count('removed');
  const parts = [`${count('changed')} of ${kept} platform${kept === 1 ? '' : 's'} changed`];
  if (count('added') > 0) parts.push(`${count('added')} added`);
  if (count('removed') > 0) parts.push(`${count('removed')} removed`);
  return parts.join(', ');
}
