import { DaemonError } from '../daemon/docker-cli.js';
import type { DockerDaemon } from '../daemon/docker-daemon.js';
import type { BlobStore } from '../layout/blob-store.js';
import type { ArchiveImage } from '../tarball/archive-image.js';
import { streamLoadArchive } from '../tarball/load-archive.js';
import { repoTag } from '../tarball/repo-tag.js';
import { mapLimit } from '../util/map-limit.js';

/** docker CLI processes at once: each is a short request to the daemon. */
const DOCKER_CALLS = 8;

/** What the daemon needed for an image: nothing, a tag, or the image itself. */
export type DaemonOutcome = 'present' | 'tagged' | 'loaded';

/**
 * Makes every image present in the daemon under each of its names, with the locked
 * config digest as its image ID: images already there are skipped, those there under
 * another name only tagged, and the rest loaded together from one archive streamed
 * into `docker load`. Returns the outcome per image manifest digest.
 */
export async function syncDaemon(daemon: DockerDaemon, store: BlobStore, images: ArchiveImage[]): Promise<Map<string, DaemonOutcome>> {
  const outcomes = new Map<string, DaemonOutcome>();
  const toLoad: ArchiveImage[] = [];
  await mapLimit(images, DOCKER_CALLS, async (image) => {
    const missing = await missingTags(daemon, image);
    const id = missing.length > 0 || image.tags.length === 0 ? await presentId(daemon, image) : undefined;
    if (missing.length === 0 && (image.tags.length > 0 || id)) outcomes.set(image.manifest.digest, 'present');
    else if (id) {
      for (const tag of missing) await daemon.tag(id, tag);
      outcomes.set(image.manifest.digest, 'tagged');
    } else toLoad.push(image);
  });
  if (toLoad.length === 0) return outcomes;
  await daemon.load(streamLoadArchive(store, toLoad));
  await mapLimit(toLoad, DOCKER_CALLS, async (image) => {
    const missing = await missingTags(daemon, image);
    if (missing.length > 0 || !(await presentId(daemon, image))) {
      throw new DaemonError(`after docker load, ${missing.join(', ') || 'the image'} does not have the image ID ${image.config.digest}`);
    }
    outcomes.set(image.manifest.digest, 'loaded');
  });
  return outcomes;
}

/**
 * The image's ID when the daemon has it: the classic image store's ID is the config
 * digest, the containerd store's the manifest's, so either counts.
 */
async function presentId(daemon: DockerDaemon, image: ArchiveImage): Promise<string | undefined> {
  return (await daemon.imageId(image.config.digest)) ?? (await daemon.imageId(image.manifest.digest));
}

/** The image's names that do not point at it yet (by either ID, as in `presentId`). */
async function missingTags(daemon: DockerDaemon, image: ArchiveImage): Promise<string[]> {
  const names = image.tags.map(repoTag);
  const ids = await Promise.all(names.map((name) => daemon.imageId(name)));
  const expected = [image.config.digest, image.manifest.digest];
  return names.filter((_, index) => !expected.includes(ids[index] ?? ''));
}
