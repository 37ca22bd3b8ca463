import { hostname } from 'node:os';
import { isLeftOver } from '../fs/temp-files.js';
import { sha256Digest } from '../layout/digest.js';
import type { Descriptor } from '../remote/media-types.js';
import { OCI_MANIFEST } from '../remote/media-types.js';
import type { ArchiveImage } from '../tarball/archive-image.js';

const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
/** Set on stand-ins, so one left behind by a killed run says what it is, and who made it when (`standInOwner`). */
export const STAND_IN_LABEL = 'io.github.image-lock.stand-in';

/** The stand-in label's value: `<host> <pid> <ms>`, the process that made it, and when. */
export function standInOwner(now = Date.now()): string {
  return `${hostname()} ${process.pid} ${now}`;
}

/** Whether a stand-in with this label value was left behind by a run that is over (killed mid-load). */
export function isLeftBehind(owner: string): boolean {
  const [host, pid, madeMs] = owner.split(' ');
  // A label of another form (or none) is over: nothing of ours makes one.
  if (!host || !Number.isInteger(Number(pid)) || !Number.isFinite(Number(madeMs))) return true;
  return isLeftOver(Number(madeMs), { pid: Number(pid), thisMachine: host === hostname() });
}

/** Images of the layers several archives share, to be loaded before them. */
export interface StandIns {
  images: ArchiveImage[];
  /** Their generated manifests and configs, by digest: blobs the store does not hold. */
  blobs: Map<string, Buffer>;
  /** Per archive, the layers a stand-in brings: left out of that archive. */
  omit: Set<string>[];
}

/**
 * Archives loaded side by side would each unpack the layers they share (a common base);
 * the classic loader skips a layer the daemon already has, so a stand-in image made of
 * exactly the shared layers is loaded first and each archive then brings only its own.
 * A stand-in is a real image (config and manifest generated here, layers from the
 * store), untagged and labelled with its owner, removed once the archives are loaded;
 * one a killed run left is removed by the next load into the same daemon.
 */
export function standInImages(archives: ArchiveImage[][], owner: string): StandIns {
  const none: StandIns = { images: [], blobs: new Map(), omit: archives.map(() => new Set()) };
  if (archives.length < 2 || archives.some((archive) => archive.some((image) => image.diffIds?.length !== image.layers.length)))
    return none;
  // How many archives hold each layer chain (a prefix of an image's diff IDs).
  const chainsIn = new Map<string, Set<number>>();
  archives.forEach((archive, index) => {
    for (const image of archive) for (let depth = 1; depth <= image.layers.length; depth++) addTo(chainsIn, chainKey(image, depth), index);
  });
  const sharedDepth = (image: ArchiveImage) => {
    let depth = 0;
    while (depth < image.layers.length && (chainsIn.get(chainKey(image, depth + 1))?.size ?? 0) > 1) depth++;
    return depth;
  };
  // The deepest shared chains: a shorter one shared inside them comes with them.
  const deepest = new Map<string, { image: ArchiveImage; depth: number }>();
  for (const image of archives.flat()) {
    const depth = sharedDepth(image);
    if (depth > 0) deepest.set(chainKey(image, depth), { image, depth });
  }
  for (const key of deepest.keys())
    if ([...deepest.keys()].some((other) => other !== key && other.startsWith(`${key}\n`))) deepest.delete(key);
  if (deepest.size === 0) return none;
  const blobs = new Map<string, Buffer>();
  const images = [...deepest.values()].map(({ image, depth }) => standIn(image, depth, blobs, owner));
  return { images, blobs, omit: archives.map((archive) => layersLeftOut(archive, sharedDepth)) };
}

/** A layer goes only if every place the archive uses it is inside a shared chain (the same empty layer may sit higher up too). */
function layersLeftOut(archive: ArchiveImage[], sharedDepth: (image: ArchiveImage) => number): Set<string> {
  const inside = new Set<string>();
  const outside = new Set<string>();
  for (const image of archive) image.layers.forEach((layer, index) => (index < sharedDepth(image) ? inside : outside).add(layer.digest));
  return new Set([...inside].filter((digest) => !outside.has(digest)));
}

function standIn(image: ArchiveImage, depth: number, blobs: Map<string, Buffer>, owner: string): ArchiveImage {
  const platform = image.manifest.platform;
  const diffIds = image.diffIds!.slice(0, depth);
  const layers = image.layers.slice(0, depth);
  const config = blob(blobs, OCI_CONFIG, {
    architecture: platform?.architecture ?? 'amd64',
    os: platform?.os ?? 'linux',
    config: { Labels: { [STAND_IN_LABEL]: owner } },
    rootfs: { type: 'layers', diff_ids: diffIds }
  });
  const manifest = blob(blobs, OCI_MANIFEST, { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers });
  return { target: manifest, manifest, config, layers, tags: [], pinned: [], diffIds };
}

function blob(blobs: Map<string, Buffer>, mediaType: string, json: unknown): Descriptor {
  const bytes = Buffer.from(JSON.stringify(json));
  const digest = sha256Digest(bytes);
  blobs.set(digest, bytes);
  return { mediaType, digest, size: bytes.length };
}

function chainKey(image: ArchiveImage, depth: number): string {
  return image.diffIds!.slice(0, depth).join('\n');
}

function addTo(map: Map<string, Set<number>>, key: string, value: number): void {
  const set = map.get(key) ?? new Set<number>();
  set.add(value);
  map.set(key, set);
}
