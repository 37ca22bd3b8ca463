import { formatPlatform, parsePlatform, platformMatches } from '../../src/platform/platform.js';

describe('platforms', () => {
  test('format keeps the index form and appends os.version', () => {
    expect(formatPlatform({ os: 'linux', architecture: 'arm', variant: 'v7' })).toBe('linux/arm/v7');
    expect(formatPlatform({ os: 'linux', architecture: 'amd64' })).toBe('linux/amd64');
    expect(formatPlatform({ os: 'windows', architecture: 'amd64', osVersion: '10.0.17763.5458' })).toBe('windows/amd64:10.0.17763.5458');
  });

  test('parse reads os/arch[/variant][:os.version] and refuses the rest', () => {
    expect(parsePlatform('linux/arm64/v8')).toEqual({ os: 'linux', architecture: 'arm64', variant: 'v8', osVersion: undefined });
    expect(parsePlatform('windows/amd64:10.0.20348.1')).toMatchObject({ os: 'windows', osVersion: '10.0.20348.1' });
    expect(() => parsePlatform('linux')).toThrow('invalid platform "linux"');
    expect(() => parsePlatform('linux/arm/v7/x')).toThrow('invalid platform');
  });

  test.each([
    ['linux/arm64', 'linux/arm64/v8', true],
    ['linux/arm64/v8', 'linux/arm64', true],
    ['linux/aarch64', 'linux/arm64/v8', true],
    ['linux/arm', 'linux/arm/v7', true],
    ['linux/arm/v6', 'linux/arm/v7', false],
    ['linux/armhf', 'linux/arm/v7', true],
    ['linux/x86_64', 'linux/amd64', true],
    ['linux/amd64', 'linux/amd64/v1', true],
    ['linux/amd64', 'linux/arm64', false],
    ['linux/amd64', 'windows/amd64:10.0.17763.1', false],
    ['windows/amd64', 'windows/amd64:10.0.17763.1', true],
    ['windows/amd64:10.0.20348.1', 'windows/amd64:10.0.17763.1', false]
  ])('%s matches %s: %s (containerd rules)', (wanted, candidate, expected) => {
    expect(platformMatches(parsePlatform(wanted), parsePlatform(candidate))).toBe(expected);
  });
});
