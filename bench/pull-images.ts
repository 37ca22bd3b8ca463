// The images the pull benchmark moves: two linux/amd64 images sharing a base layer,
// each with two layers of its own, all compressible like real layers, locked in the
// pinned form (`name:tag@digest`) that users' files hold after `pin`. Built in
// parallel (gzip runs on libuv's pool), pushed to a registry of the benchmark's own.
import { join } from 'node:path';
import type { LockEntry } from '../src/lockfile/lockfile.js';
import { buildImage, platformKey, pushImage, type BuiltImage } from '../test/env/image.js';
import type { Layer } from '../test/env/layers.js';
import { compressibleLayer } from './compressible-layer.js';

const AMD64 = { os: 'linux', architecture: 'amd64' };
const MB = 1024 * 1024;

export interface PullImageSet {
  /** `host/repo:tag@sha256:...`, the form `pin` writes -> its lockfile entry. */
  locked: Record<string, LockEntry>;
  /** Per locked reference, what its image ID is once loaded: the config digest on the classic store, the manifest's on containerd's. */
  imageIds: Record<string, { config: string; manifest: string }>;
  /** Every distinct blob (manifests, configs, layers): what a fetch must bring. */
  blobs: { repo: string; digest: string; size: number; manifest: boolean }[];
  /** Sum of `blobs`' sizes. */
  bytes: number;
  /** The layers' uncompressed tars, shared base once: about what a `docker save` tar holds. */
  contentBytes: number;
}

export interface PullImageSetOptions {
  dir: string;
  /** Registry URL to push to; `host` is what the references name. */
  url: string;
  host: string;
  baseMb: number;
  topMb: number;
}

export async function pushPullImageSet(options: PullImageSetOptions): Promise<PullImageSet> {
  const layer = (name: string, mb: number) => compressibleLayer(join(options.dir, `${name}.tar.gz`), mb * MB, name);
  const [base, ...tops] = await Promise.all([
    layer('base', options.baseMb),
    ...['web-1', 'web-2', 'worker-1', 'worker-2'].map((name) => layer(name, options.topMb))
  ]);
  const images: [string, Layer[]][] = [
    ['bench/pull-web', [base, tops[0], tops[1]]],
    ['bench/pull-worker', [base, tops[2], tops[3]]]
  ];
  const set: PullImageSet = { locked: {}, imageIds: {}, blobs: [], bytes: 0, contentBytes: 0 };
  for (const [repo, layers] of images) {
    const image = buildImage({ platform: AMD64, layers, runConfig: { Cmd: ['/bin/true'] } });
    await pushImage({ url: options.url }, repo, image, ['1']);
    record(set, `${options.host}/${repo}:1`, repo, image);
  }
  set.bytes = set.blobs.reduce((sum, blob) => sum + blob.size, 0);
  set.contentBytes = [base, ...tops].reduce((sum, layer) => sum + layer.tarSize, 0);
  return set;
}

function record(set: PullImageSet, tagged: string, repo: string, image: BuiltImage): void {
  const manifest = image.manifest.digest;
  const reference = `${tagged}@${manifest}`;
  set.locked[reference] = {
    digest: manifest,
    mediaType: image.manifest.mediaType,
    platforms: { [platformKey(AMD64)]: manifest },
    sources: []
  };
  set.imageIds[reference] = { config: image.config.digest, manifest };
  for (const blob of [image.manifest, image.config, ...image.layers]) {
    if (set.blobs.some((known) => known.digest === blob.digest)) continue;
    set.blobs.push({ repo, digest: blob.digest, size: blob.size, manifest: blob === image.manifest });
  }
}
