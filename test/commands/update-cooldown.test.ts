import { newestCreated, platformChanges } from '../../src/commands/update-change.js';
import { ageInDays, cooldownVerdict } from '../../src/commands/update-cooldown.js';

const image = (created?: string, layers: string[] = [], size = 0) => ({ digest: 'sha256:x', size, layers, created });

describe('the age of an image', () => {
  test('is the newest created of its platforms', () => {
    expect(newestCreated([image('2024-01-01T00:00:00Z'), image('2024-03-01T12:00:00Z'), image()])).toEqual(
      new Date('2024-03-01T12:00:00Z')
    );
  });

  test.each([[[]], [[image()]], [[image('0001-01-01T00:00:00Z')]], [[image('1970-01-01T00:00:00Z')]], [[image('yesterday')]]])(
    'cannot be told from %j',
    (images) => {
      expect(newestCreated(images)).toBeUndefined();
    }
  );

  test('in whole days, never negative', () => {
    const now = new Date('2024-01-10T00:00:00Z');
    expect(ageInDays(new Date('2024-01-01T06:00:00Z'), now)).toBe(8);
    expect(ageInDays(new Date('2024-01-11T00:00:00Z'), now)).toBe(0);
  });
});

describe('the cooldown', () => {
  const now = new Date('2024-01-10T00:00:00Z');
  test('takes an image once it is old enough, and names the day it will be', () => {
    expect(cooldownVerdict(new Date('2024-01-03T00:00:00Z'), undefined, now, { days: 7, unknown: 'skip' })).toEqual({ take: true });
    expect(cooldownVerdict(new Date('2024-01-03T00:00:01Z'), undefined, now, { days: 7, unknown: 'skip' })).toEqual({
      take: false,
      reason: 'cooldown',
      eligibleOn: '2024-01-10'
    });
    expect(cooldownVerdict(new Date('2024-01-09T18:00:00Z'), undefined, now, { days: 0, unknown: 'take' })).toEqual({ take: true });
  });

  test('counts from the later of created and the day the digest was first seen, so a back-dated or missing created waits too', () => {
    const longAgo = new Date('2020-01-01T00:00:00Z');
    expect(cooldownVerdict(longAgo, '2024-01-10', now, { days: 7, unknown: 'skip' })).toEqual({
      take: false,
      reason: 'cooldown',
      eligibleOn: '2024-01-17'
    });
    expect(cooldownVerdict(undefined, '2024-01-05', now, { days: 7, unknown: 'skip' })).toEqual({
      take: false,
      reason: 'cooldown',
      eligibleOn: '2024-01-12'
    });
    expect(cooldownVerdict(undefined, '2024-01-03', now, { days: 7, unknown: 'skip' })).toEqual({ take: true });
    expect(cooldownVerdict(new Date('2024-01-09T12:00:00Z'), '2024-01-01', now, { days: 7, unknown: 'skip' })).toMatchObject({
      eligibleOn: '2024-01-16'
    });
  });

  test('an unknown age follows the cooldown-unknown rule', () => {
    expect(cooldownVerdict(undefined, undefined, now, { days: 7, unknown: 'skip' })).toEqual({ take: false, reason: 'unknown-age' });
    expect(cooldownVerdict(undefined, undefined, now, { days: 7, unknown: 'take' })).toEqual({ take: true });
  });
});

describe('platform changes', () => {
  test('changed, unchanged, added and removed, with sizes and new layers', () => {
    const pinned = {
      platforms: { 'linux/amd64': 'sha256:a1', 'linux/arm64/v8': 'sha256:b1', 'linux/arm/v7': 'sha256:c1' },
      images: { 'linux/amd64': { digest: 'sha256:a1', size: 100, layers: ['base', 'app1'] } }
    };
    const next = {
      platforms: { 'linux/amd64': 'sha256:a2', 'linux/arm64/v8': 'sha256:b1', 'linux/s390x': 'sha256:d2' },
      images: {
        'linux/amd64': { digest: 'sha256:a2', size: 130, layers: ['base', 'app2', 'extra'] },
        'linux/arm64/v8': { digest: 'sha256:b1', size: 90, layers: ['base', 'app1'] },
        'linux/s390x': { digest: 'sha256:d2', size: 80, layers: ['base', 'app3'] }
      }
    };
    expect(platformChanges(pinned, next)).toEqual([
      { platform: 'linux/amd64', status: 'changed', from: 'sha256:a1', to: 'sha256:a2', size: 130, previousSize: 100, newLayers: 2 },
      { platform: 'linux/arm/v7', status: 'removed', from: 'sha256:c1', previousSize: undefined },
      { platform: 'linux/arm64/v8', status: 'unchanged', from: 'sha256:b1', to: 'sha256:b1', size: 90, previousSize: 90, newLayers: 0 },
      { platform: 'linux/s390x', status: 'added', to: 'sha256:d2', size: 80, newLayers: 2 }
    ]);
  });

  test('a pinned platform image the registry no longer has leaves its size and new layers unknown', () => {
    const changes = platformChanges(
      { platforms: { 'linux/amd64': 'sha256:a1' }, images: {} },
      { platforms: { 'linux/amd64': 'sha256:a2' }, images: { 'linux/amd64': { digest: 'sha256:a2', size: 5, layers: ['x'] } } }
    );
    expect(changes).toEqual([
      {
        platform: 'linux/amd64',
        status: 'changed',
        from: 'sha256:a1',
        to: 'sha256:a2',
        size: 5,
        previousSize: undefined,
        newLayers: undefined
      }
    ]);
  });
});
