import { availableParallelism } from 'node:os';
import { DaemonError } from '../daemon/docker-cli.js';
import type { DaemonImages, DockerDaemon } from '../daemon/docker-daemon.js';
import type { BlobStore } from '../layout/blob-store.js';
import type { ArchiveImage } from '../tarball/archive-image.js';
import { streamLoadArchive, type BlobReadiness } from '../tarball/load-archive.js';
import { repoDigest, repoTag } from '../tarball/repo-tag.js';
import { linkDigests, type DigestLinks } from './digest-links.js';
import { LayerSizeError } from '../tarball/uncompressed-layer.js';
import { loadGroups } from './load-groups.js';
import { isLeftBehind, STAND_IN_LABEL, standInImages, standInOwner } from './stand-in-images.js';

/** What the daemon needed for an image: nothing, a tag, or the image itself. */
export type DaemonOutcome = 'present' | 'tagged' | 'loaded';

/**
 * `docker load`s at once into the classic store, which loads one archive's layers one
 * after the other on one core: images go in several archives side by side; more than
 * the cores (or than 4: the disk is shared too) only adds contention.
 */
const PARALLEL_LOADS = Math.min(4, availableParallelism());

/** What the daemon holds after a sync, per image target digest; and on the classic store the digest links. */
export interface DaemonSync {
  outcomes: Map<string, DaemonOutcome>;
  links?: DigestLinks;
}

/**
 * Makes every image present in the daemon under each of its names: images already there
 * are skipped, those there under another name only tagged, and the rest loaded from
 * archives streamed into `docker load`. The image ID is the locked config digest on the
 * classic store, the locked target (index or manifest) on the containerd store, where
 * the load also names each pinned reference; on the classic store those are linked
 * afterwards by daemon pulls (`linkDigests`). The archives stream as soon as their
 * blobs are `ready`, so a load goes on while later blobs still download. `present`: the
 * daemon's images listed already (undefined: list them here).
 */
export async function syncDaemon(
  daemon: DockerDaemon,
  store: BlobStore,
  images: ArchiveImage[],
  classicStore: boolean,
  { ready, present }: { ready?: BlobReadiness; present?: Promise<DaemonImages | undefined> } = {}
): Promise<DaemonSync> {
  const outcomes = new Map<string, DaemonOutcome>();
  const expected = classicStore ? classicNames : containerdNames;
  const before = (await present) ?? (await daemon.images());
  if (classicStore) await removeLeftBehindStandIns(daemon, before);
  const toLoad: ArchiveImage[] = [];
  for (const image of images) {
    const { id, missingTags, missingPinned } = expected(before, image);
    if (!before.ids.has(id) || missingPinned.length > 0) toLoad.push(image);
    else if (missingTags.length === 0) outcomes.set(image.target.digest, 'present');
    else {
      for (const tag of missingTags) await daemon.tag(id, tag);
      outcomes.set(image.target.digest, 'tagged');
    }
  }
  if (toLoad.length > 0) {
    await (classicStore ? loadClassic(daemon, store, toLoad, before, ready) : daemon.load(streamLoadArchive(store, toLoad, { ready })));
  }
  const after = toLoad.length > 0 ? await daemon.images() : before;
  for (const image of toLoad) {
    const { id, missingTags, missingPinned } = expected(after, image);
    const missing = [...missingTags, ...missingPinned];
    if (missing.length > 0 || !after.ids.has(id)) {
      throw new DaemonError(`after docker load, ${missing.join(', ') || 'the image'} does not have the image ID ${id}`);
    }
    outcomes.set(image.target.digest, 'loaded');
  }
  return { outcomes, ...(classicStore ? { links: await linkDigests(daemon, images, after) } : {}) };
}

/** What an image is, by ID and names, in a store; and which of its names do not point at it. */
interface ExpectedNames {
  id: string;
  missingTags: string[];
  /** Digest references the load must bring (containerd); the classic store links them by pulls instead. */
  missingPinned: string[];
}

function classicNames(daemon: DaemonImages, image: ArchiveImage): ExpectedNames {
  const id = image.config.digest;
  return { id, missingTags: image.tags.map(repoTag).filter((name) => daemon.byName.get(name) !== id), missingPinned: [] };
}

function containerdNames(daemon: DaemonImages, image: ArchiveImage): ExpectedNames {
  const id = image.target.digest;
  return {
    id,
    missingTags: image.tags.map(repoTag).filter((name) => daemon.byName.get(name) !== id),
    missingPinned: image.pinned.map(repoDigest).filter((name) => daemon.byDigest.get(name) !== id)
  };
}

/**
 * The classic store: the layers archives share go in stand-in images, the archives side
 * by side, each without them and with its layers inflated here; a layer that does not
 * inflate as its gzip trailer says sends its archive again as stored. All start at once,
 * but an archive ends only after the stand-ins are in: the daemon registers its layers
 * on top of theirs, yet can take in its bytes meanwhile.
 */
async function loadClassic(
  daemon: DockerDaemon,
  store: BlobStore,
  images: ArchiveImage[],
  before: DaemonImages,
  ready: BlobReadiness | undefined
): Promise<void> {
  const groups = loadGroups(images, PARALLEL_LOADS);
  const standIns = standInImages(groups, standInOwner());
  const load = async (group: ArchiveImage[], omit?: ReadonlySet<string>, endAfter?: Promise<void>) => {
    const archive = (inflate: boolean) =>
      streamLoadArchive(store, group, { ready, classic: { omit, inflate, extraBlobs: standIns.blobs, endAfter } });
    await daemon.load(archive(true)).catch((error: unknown) => {
      if (!(error instanceof LayerSizeError)) throw error;
      return daemon.load(archive(false));
    });
  };
  const added = standIns.images.map((image) => image.config.digest).filter((id) => !before.ids.has(id));
  try {
    const standInsLoaded = standIns.images.length > 0 ? load(standIns.images) : undefined;
    // Listed first, so a stand-in's failure is the one reported, not the archives' it ended.
    await settleAll([
      ...(standInsLoaded ? [standInsLoaded] : []),
      ...groups.map((group, index) => load(group, standIns.omit[index], standInsLoaded))
    ]);
  } finally {
    if (added.length > 0) await daemon.remove(added);
  }
}

/**
 * Stand-ins a killed run left in the daemon (a load removes its own when it ends), not
 * those of a load going on beside this one. Stand-ins are untagged: a daemon with no
 * untagged image, as most are, costs no call.
 */
async function removeLeftBehindStandIns(daemon: DockerDaemon, present: DaemonImages): Promise<void> {
  const named = new Set([...present.byName.values(), ...present.byDigest.values()]);
  const untagged = [...present.ids].filter((id) => !named.has(id));
  const labels = await daemon.labels(untagged, STAND_IN_LABEL);
  const leftBehind = [...labels].filter(([, owner]) => isLeftBehind(owner)).map(([id]) => id);
  if (leftBehind.length > 0) await daemon.remove(leftBehind);
}

/** Lets every load run to its end (no docker CLI outlives the call), then fails with the first failure. */
async function settleAll(loads: Promise<void>[]): Promise<void> {
  const failed = (await Promise.allSettled(loads)).find((outcome) => outcome.status === 'rejected');
  if (failed) throw failed.reason;
}
