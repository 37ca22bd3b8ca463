import { InputError } from '../../src/errors.js';
import { parsePlatform } from '../../src/platform/platform.js';
import { pullTargets, type LockedImage } from '../../src/pull/pull-target.js';
import { OCI_INDEX } from '../../src/remote/media-types.js';

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const NGINX = 'docker.io/library/nginx:1.25';
const BY_DIGEST = `ghcr.io/o/app@${digest('e')}`;
const WINDOWS = 'mcr.microsoft.com/windows/nanoserver:ltsc2022';
const images: Record<string, LockedImage> = {
  [NGINX]: {
    digest: digest('a'),
    mediaType: OCI_INDEX,
    platforms: { 'linux/amd64': digest('b'), 'linux/arm/v7': digest('c'), 'linux/arm64/v8': digest('d') }
  },
  [BY_DIGEST]: { digest: digest('e'), mediaType: OCI_INDEX, platforms: { 'linux/amd64': digest('f') } },
  [WINDOWS]: { digest: digest('1'), mediaType: OCI_INDEX, platforms: { 'windows/amd64:10.0.20348.2340': digest('2') } }
};
const only = (key: string) => ({ [key]: images[key] });

describe('pullTargets', () => {
  it('matches platforms as containerd does and names each image by its tag', () => {
    const [nginx] = pullTargets(only(NGINX), parsePlatform('linux/arm'));
    expect(nginx).toMatchObject({ platformKey: 'linux/arm/v7', manifestDigest: digest('c') });
    expect(`${nginx.tag}`).toBe(NGINX);
    const [windows] = pullTargets(only(WINDOWS), parsePlatform('windows/amd64'));
    expect(windows).toMatchObject({ platformKey: 'windows/amd64:10.0.20348.2340', platform: { osVersion: '10.0.20348.2340' } });
  });

  it('gives a digest-only reference no name:tag', () => {
    const [app] = pullTargets(only(BY_DIGEST), parsePlatform('linux/amd64'));
    expect(app).toMatchObject({ key: BY_DIGEST, manifestDigest: digest('f'), tag: undefined });
  });

  it('refuses the whole pull when one reference lacks the platform', () => {
    expect(() => pullTargets(images, parsePlatform('linux/arm64'))).toThrow(InputError);
    expect(() => pullTargets(images, parsePlatform('linux/arm64'))).toThrow(
      /ghcr.io\/o\/app@sha256:e+ is not locked for linux\/arm64 \(locked: linux\/amd64\)/
    );
  });
});
