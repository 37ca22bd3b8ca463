// The images a resolve benchmark looks up: `repositories × tags` OCI indexes, each over
// linux/amd64, linux/arm64/v8 and linux/arm/v7 plus a buildx-style attestation manifest,
// the shape of a typical multi-platform release. Layers are tiny: resolving reads
// manifests only. Every digest is computed from the bytes pushed.
import { AMD64, ARM64, ARMV7, baseLayer } from '../test/env/fixtures.js';
import { attestationEntry, buildImage, buildIndex, platformKey, pushIndex, type IndexEntry } from '../test/env/image.js';
import { tarLayer, type Layer } from '../test/env/layers.js';
import type { PushTarget } from '../test/env/push.js';

export interface PushedIndex {
  /** `host/repo:tag`, as given to the clients. */
  reference: string;
  repo: string;
  tag: string;
  /** The index digest. */
  digest: string;
  /** Platform key -> image manifest digest, attestation left out (what a lockfile holds). */
  platforms: Record<string, string>;
}

export interface ImageSetOptions {
  /** Host written in the references (e.g. a latency proxy's), not necessarily the push target. */
  host: string;
  repositories: number;
  tags: readonly string[];
  /** Where to push each repository. */
  pushTarget: (repo: string) => PushTarget;
}

const PLATFORMS = [AMD64, ARM64, ARMV7];

/** `bench/app-01`, `bench/app-02`, ...: two digits keep them sorted. */
export function repositoryName(index: number): string {
  return `bench/app-${String(index + 1).padStart(2, '0')}`;
}

/** Builds and pushes the set, repositories in parallel; references come repository by repository. */
export async function pushImageSet(options: ImageSetOptions): Promise<PushedIndex[]> {
  const base = await baseLayer();
  const repos = Array.from({ length: options.repositories }, (_, i) => repositoryName(i));
  const perRepo = await Promise.all(
    repos.map(async (repo) => {
      const pushed: PushedIndex[] = [];
      for (const tag of options.tags) pushed.push(await pushOne(options, base, repo, tag));
      return pushed;
    })
  );
  return perRepo.flat();
}

/**
 * Builds and pushes one index of the set as `repo:tag`; a `build` other than the first
 * (empty) one is another image under the same tag, as when a tag is published again.
 */
export async function pushOne(options: ImageSetOptions, base: Layer, repo: string, tag: string, build = ''): Promise<PushedIndex> {
  const images = await Promise.all(
    PLATFORMS.map(async (platform) => {
      // A top layer naming repo, tag and platform makes every manifest, and so every index, distinct.
      const app = await tarLayer([{ name: 'app/info.txt', content: `${repo}:${tag} ${platformKey(platform)}${build}\n` }]);
      return buildImage({ platform, layers: [base, app] });
    })
  );
  const entries: IndexEntry[] = [...images.map((image) => ({ image })), attestationEntry(images[0])];
  const index = buildIndex('oci', entries);
  await pushIndex(options.pushTarget(repo), repo, index, [tag]);
  return {
    reference: `${options.host}/${repo}:${tag}`,
    repo,
    tag,
    digest: index.manifest.digest,
    platforms: Object.fromEntries(images.map((image) => [platformKey(image.platform), image.manifest.digest]))
  };
}
