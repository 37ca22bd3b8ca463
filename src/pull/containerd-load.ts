import type { DockerDaemon } from '../daemon/docker-daemon.js';
import { messageOf } from '../errors.js';
import type { BlobStore } from '../layout/blob-store.js';
import type { Descriptor } from '../remote/media-types.js';
import { archiveBlobs, type ArchiveImage } from '../tarball/archive-image.js';
import { streamLoadArchive, type BlobReadiness } from '../tarball/load-archive.js';
import { LOOPBACK_REPOSITORY, startLoopbackRegistry } from './loopback-registry.js';

/**
 * Puts images into the containerd image store. containerd unpacks a pull's layers as
 * they arrive, several at once, but an import's only after the whole archive is in, one
 * image after another: so the daemon pulls each image from a registry image-lock serves
 * on loopback from its store (streaming each blob once it is `ready`), and a `docker
 * load` of an archive without layers then names every image as the files write it
 * (`name:tag`, `name:tag@digest`, `name@digest`). The temporary loopback names go last,
 * once the written ones hold the images. A daemon that cannot reach the loopback
 * registry (rootless, in its own network namespace; a remote host) gets the whole
 * archive instead: the returned note says why.
 */
export async function loadContainerd(
  daemon: DockerDaemon,
  store: BlobStore,
  images: ArchiveImage[],
  ready?: BlobReadiness
): Promise<{ fallback?: string }> {
  const registry = await startLoopbackRegistry(store, archiveBlobs(images), ready ?? (() => Promise.resolve()));
  const pulled = images.map((image, index) => `${registry.host}/${LOOPBACK_REPOSITORY}/${index}@${image.target.digest}`);
  try {
    await Promise.all(images.map((image, index) => daemon.pull(pulled[index], platformOf(image.manifest))));
  } catch (error) {
    await daemon.remove(pulled).catch(() => undefined);
    await registry.close();
    await daemon.load(streamLoadArchive(store, images, { ready }));
    return {
      fallback: `the daemon could not pull from image-lock on ${registry.host} (${messageOf(error)}), so the images went in as one archive`
    };
  }
  await registry.close();
  await daemon.load(streamLoadArchive(store, images, { withoutLayers: true }));
  await daemon.remove(pulled);
  return {};
}

/** `os/arch[/variant]`, as `docker pull --platform` takes it. */
function platformOf(manifest: Descriptor): string {
  const platform = manifest.platform!;
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}
