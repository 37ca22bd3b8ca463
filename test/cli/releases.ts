import { AMD64, ARM64, baseLayer } from '../env/fixtures.js';
import { buildImage, buildIndex, platformKey, pushIndex, type Platform } from '../env/image.js';
import { loadTestEnv } from '../env/env.js';
import { tarLayer } from '../env/layers.js';

/** One platform of a release: what its top layer holds, and its config's `created` (null: none). */
export interface PlatformBuild {
  platform: Platform;
  content: string;
  created?: string | null;
}

export interface Release {
  digest: string;
  /** Platform key -> image manifest digest. */
  platforms: Record<string, string>;
  /** Platform key -> compressed size (the sum of its layers). */
  sizes: Record<string, number>;
}

/**
 * Pushes a multi-platform OCI index to the anonymous registry as `repo:tag` (moving the
 * tag when it was pushed before). Each platform is the shared base layer plus a top
 * layer holding `content`: a platform built from the same content and `created` as
 * before keeps its manifest digest, so a test can change some platforms and not others.
 */
export async function pushRelease(repo: string, tag: string, builds: PlatformBuild[]): Promise<Release> {
  const base = await baseLayer();
  const images = await Promise.all(
    builds.map(async ({ platform, content, created }) =>
      buildImage({ platform, created, layers: [base, await tarLayer([{ name: 'app/release.txt', content: `${content}\n` }])] })
    )
  );
  const index = buildIndex(
    'oci',
    images.map((image) => ({ image }))
  );
  await pushIndex({ url: loadTestEnv().registries.anonymous.url }, repo, index, [tag]);
  return {
    digest: index.manifest.digest,
    platforms: Object.fromEntries(images.map((image) => [platformKey(image.platform), image.manifest.digest])),
    sizes: Object.fromEntries(
      images.map((image) => [platformKey(image.platform), image.layers.reduce((sum, layer) => sum + layer.size, 0)])
    )
  };
}

/** Both platforms the tests use, built from `content` per platform. */
export function twoPlatforms(amd64: string, arm64: string, created?: string | null): PlatformBuild[] {
  return [
    { platform: AMD64, content: amd64, created },
    { platform: ARM64, content: arm64, created }
  ];
}
