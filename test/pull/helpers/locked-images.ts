// Lockfile entries for test images, written from what the fixtures pushed (never from
// what the code under test computes), and pushing extra single-platform images.
import type { LockEntry } from '../../../src/lockfile/lockfile.js';
import { buildImage, platformKey, pushImage, type BuiltImage, type Platform } from '../../env/image.js';
import type { FixtureImage } from '../../env/fixtures.js';
import type { Layer } from '../../env/layers.js';

export const LINUX_AMD64: Platform = { os: 'linux', architecture: 'amd64' };

export function lockEntryOf(fixture: FixtureImage): LockEntry {
  const platforms = Object.fromEntries(Object.entries(fixture.platforms).map(([key, p]) => [key, p.manifestDigest]));
  return { digest: fixture.digest, mediaType: fixture.mediaType, platforms, sources: [] };
}

export interface PushedImage {
  image: BuiltImage;
  entry: LockEntry;
}

/** Builds a single-platform image of `layers` and pushes it as `repo:tag` to the registry at `url`. */
export async function pushTestImage(url: string, repo: string, tag: string, layers: Layer[], platform = LINUX_AMD64): Promise<PushedImage> {
  const image = buildImage({ platform, layers, runConfig: { Labels: { 'image-lock.test': `${repo}:${tag}` } } });
  await pushImage({ url }, repo, image, [tag]);
  const entry = {
    digest: image.manifest.digest,
    mediaType: image.manifest.mediaType,
    platforms: { [platformKey(platform)]: image.manifest.digest },
    sources: []
  };
  return { image, entry };
}
