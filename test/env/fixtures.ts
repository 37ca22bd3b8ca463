// The fixture images every integration test can rely on, generated and pushed at set-up.
// Digests are computed by the fixture code from the bytes it pushes, never hard-coded.
import {
  attestationEntry,
  buildImage,
  buildIndex,
  platformKey,
  pushImage,
  pushIndex,
  type BuiltImage,
  type Format,
  type IndexEntry,
  type Platform
} from './image.js';
import { tarLayer, type Layer } from './layers.js';
import type { PushTarget } from './push.js';

export interface FixtureLayer {
  digest: string;
  size: number;
  diffId: string;
  mediaType: string;
}

export interface FixturePlatform {
  platform: Platform;
  manifestDigest: string;
  manifestMediaType: string;
  manifestSize: number;
  configDigest: string;
  layers: FixtureLayer[];
}

export interface FixtureImage {
  repo: string;
  tag: string;
  /** The top-level manifest: an index/list, or the single image manifest. */
  digest: string;
  mediaType: string;
  size: number;
  /** Keyed `os/arch[/variant][:os.version]`; attestation entries are not here. */
  platforms: Record<string, FixturePlatform>;
  /** Attestation manifests in the index and the platform manifest each refers to. */
  attestations: { digest: string; refersTo: string }[];
}

export interface Fixtures {
  /** Keyed `repo:tag`, e.g. `multi/app:1.0`. */
  images: Record<string, FixtureImage>;
  /** The base layer every fixture image shares. */
  baseLayer: FixtureLayer;
}

export const AMD64: Platform = { os: 'linux', architecture: 'amd64' };
export const ARM64: Platform = { os: 'linux', architecture: 'arm64', variant: 'v8' };
export const ARMV7: Platform = { os: 'linux', architecture: 'arm', variant: 'v7' };
export const WINDOWS: Platform = { os: 'windows', architecture: 'amd64', 'os.version': '10.0.17763.5458' };

interface Def {
  repo: string;
  tags: string[];
  format: Format;
  /** An index/list even when it has one platform; false = a single image manifest. */
  index: boolean;
  platforms: Platform[];
  /** Add a buildx-style attestation manifest for the first platform. */
  attest?: boolean;
}

const DEFS: Def[] = [
  { repo: 'multi/app', tags: ['1.0', 'latest'], format: 'oci', index: true, platforms: [AMD64, ARM64, ARMV7], attest: true },
  { repo: 'single/oci', tags: ['1.0'], format: 'oci', index: false, platforms: [AMD64] },
  { repo: 'docker/v2', tags: ['1.0'], format: 'docker', index: false, platforms: [AMD64] },
  { repo: 'docker/list', tags: ['1.0'], format: 'docker', index: true, platforms: [AMD64, ARM64] },
  { repo: 'team/sub/deep/app', tags: ['2.1'], format: 'oci', index: false, platforms: [AMD64] },
  { repo: 'multi/windows', tags: ['1.0'], format: 'oci', index: true, platforms: [AMD64, WINDOWS] },
  { repo: 'library/busybox', tags: ['latest'], format: 'oci', index: true, platforms: [AMD64, ARM64, ARMV7] },
  { repo: 'library/nginx', tags: ['1.25', 'latest'], format: 'oci', index: true, platforms: [AMD64, ARM64, ARMV7], attest: true }
];

/** The shared base layer (same bytes in every fixture, so caches can dedupe it). */
export function baseLayer(): Promise<Layer> {
  return tarLayer([
    { name: 'etc/os-release', content: 'NAME="image-lock fixture"\nID=fixture\n' },
    { name: 'etc/passwd', content: 'root:x:0:0:root:/root:/bin/sh\n' }
  ]);
}

/** Builds and pushes every fixture to `target` and describes what was pushed. */
export async function pushFixtures(target: PushTarget): Promise<Fixtures> {
  const base = await baseLayer();
  const images: Record<string, FixtureImage> = {};
  for (const def of DEFS) {
    const built: BuiltImage[] = [];
    for (const platform of def.platforms) {
      // A per-image, per-platform top layer makes every manifest distinct.
      const app = await tarLayer([{ name: 'app/info.txt', content: `${def.repo} ${platformKey(platform)}\n` }]);
      built.push(
        buildImage({
          format: def.format,
          platform,
          layers: [base, app],
          runConfig: { Env: ['PATH=/usr/bin:/bin'], Labels: { 'org.opencontainers.image.title': def.repo } }
        })
      );
    }
    if (!def.index) {
      await pushImage(target, def.repo, built[0], def.tags);
      for (const t of def.tags) images[`${def.repo}:${t}`] = describe(def.repo, t, built[0].manifest, built, []);
      continue;
    }
    const entries: IndexEntry[] = built.map((image) => ({ image }));
    if (def.attest) entries.push(attestationEntry(built[0]));
    const index = buildIndex(def.format, entries);
    await pushIndex(target, def.repo, index, def.tags);
    const attestations = entries
      .filter((e) => e.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest')
      .map((e) => ({ digest: e.image.manifest.digest, refersTo: e.annotations!['vnd.docker.reference.digest'] }));
    for (const t of def.tags) images[`${def.repo}:${t}`] = describe(def.repo, t, index.manifest, built, attestations);
  }
  return { images, baseLayer: layerInfo(base) };
}

function describe(
  repo: string,
  tag: string,
  top: { digest: string; mediaType: string; size: number },
  built: BuiltImage[],
  attestations: FixtureImage['attestations']
): FixtureImage {
  const platforms: Record<string, FixturePlatform> = {};
  for (const b of built) {
    platforms[platformKey(b.platform)] = {
      platform: b.platform,
      manifestDigest: b.manifest.digest,
      manifestMediaType: b.manifest.mediaType,
      manifestSize: b.manifest.size,
      configDigest: b.config.digest,
      layers: b.layers.map(layerInfo)
    };
  }
  return { repo, tag, digest: top.digest, mediaType: top.mediaType, size: top.size, platforms, attestations };
}

function layerInfo(l: Layer): FixtureLayer {
  return { digest: l.digest, size: l.size, diffId: l.diffId, mediaType: l.mediaType };
}
