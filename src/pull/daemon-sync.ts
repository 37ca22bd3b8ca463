import { availableParallelism } from 'node:os';
import { DaemonError } from '../daemon/docker-cli.js';
import type { DaemonImages, DockerDaemon } from '../daemon/docker-daemon.js';
import type { BlobStore } from '../layout/blob-store.js';
import type { ArchiveImage } from '../tarball/archive-image.js';
import { streamLoadArchive } from '../tarball/load-archive.js';
import { repoTag } from '../tarball/repo-tag.js';
import { LayerSizeError } from '../tarball/uncompressed-layer.js';
import { loadGroups } from './load-groups.js';
import { standInImages } from './stand-in-images.js';

/** What the daemon needed for an image: nothing, a tag, or the image itself. */
export type DaemonOutcome = 'present' | 'tagged' | 'loaded';

/**
 * `docker load`s at once into the classic store, which loads one archive's layers one
 * after the other on one core: images go in several archives side by side; more than
 * the cores (or than 4: the disk is shared too) only adds contention.
 */
const PARALLEL_LOADS = Math.min(4, availableParallelism());

/**
 * Makes every image present in the daemon under each of its names, with the locked
 * config digest as its image ID: images already there are skipped, those there under
 * another name only tagged, and the rest loaded from archives streamed into
 * `docker load`. Returns the outcome per image manifest digest.
 */
export async function syncDaemon(
  daemon: DockerDaemon,
  store: BlobStore,
  images: ArchiveImage[],
  classicStore: boolean
): Promise<Map<string, DaemonOutcome>> {
  const outcomes = new Map<string, DaemonOutcome>();
  const before = await daemon.images();
  const toLoad: ArchiveImage[] = [];
  for (const image of images) {
    const id = presentId(before, image);
    const missing = missingTags(before, image);
    if (!id) toLoad.push(image);
    else if (missing.length === 0) outcomes.set(image.manifest.digest, 'present');
    else {
      for (const tag of missing) await daemon.tag(id, tag);
      outcomes.set(image.manifest.digest, 'tagged');
    }
  }
  if (toLoad.length === 0) return outcomes;
  // containerd's store takes one archive for either store, as tested against its own import.
  await (classicStore ? loadClassic(daemon, store, toLoad, before) : daemon.load(streamLoadArchive(store, toLoad)));
  const after = await daemon.images();
  for (const image of toLoad) {
    const missing = missingTags(after, image);
    if (missing.length > 0 || !presentId(after, image)) {
      throw new DaemonError(`after docker load, ${missing.join(', ') || 'the image'} does not have the image ID ${image.config.digest}`);
    }
    outcomes.set(image.manifest.digest, 'loaded');
  }
  return outcomes;
}

/**
 * The classic store: the layers archives share go in stand-in images, the archives side
 * by side, each without them and with its layers inflated here; a layer that does not
 * inflate as its gzip trailer says sends its archive again as stored. All start at once,
 * but an archive ends only after the stand-ins are in: the daemon registers its layers
 * on top of theirs, yet can take in its bytes meanwhile.
 */
async function loadClassic(daemon: DockerDaemon, store: BlobStore, images: ArchiveImage[], before: DaemonImages): Promise<void> {
  const groups = loadGroups(images, PARALLEL_LOADS);
  const standIns = standInImages(groups);
  const load = async (group: ArchiveImage[], omit?: ReadonlySet<string>, endAfter?: Promise<void>) => {
    const archive = (inflate: boolean) => streamLoadArchive(store, group, { omit, inflate, extraBlobs: standIns.blobs, endAfter });
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

/** Lets every load run to its end (no docker CLI outlives the call), then fails with the first failure. */
async function settleAll(loads: Promise<void>[]): Promise<void> {
  const failed = (await Promise.allSettled(loads)).find((outcome) => outcome.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * The image's ID when the daemon has it: the classic image store's ID is the config
 * digest, the containerd store's the manifest's, so either counts.
 */
function presentId(daemon: DaemonImages, image: ArchiveImage): string | undefined {
  return [image.config.digest, image.manifest.digest].find((id) => daemon.ids.has(id));
}

/** The image's names that do not point at it yet (by either ID, as in `presentId`). */
function missingTags(daemon: DaemonImages, image: ArchiveImage): string[] {
  const expected = [image.config.digest, image.manifest.digest];
  return image.tags.map(repoTag).filter((name) => !expected.includes(daemon.byName.get(name) ?? ''));
}
