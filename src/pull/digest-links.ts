import { messageOf } from '../errors.js';
import type { DaemonImages, DockerDaemon } from '../daemon/docker-daemon.js';
import type { ArchiveImage } from '../tarball/archive-image.js';
import { repoDigest } from '../tarball/repo-tag.js';
import { mapLimit } from '../util/map-limit.js';

/** Daemon pulls at once: each is a few small requests, mostly waiting on the registry. */
const LINK_CONCURRENCY = 4;

/** The classic store's digest references, linked by daemon pulls. */
export interface DigestLinks {
  /** Locked references (as written) that a pull by digest linked in this run. */
  linked: string[];
  /** Locked references left unlinked, and why: they need the registry when used. */
  unlinked: { reference: string; reason: string }[];
  /** Daemon pulls made (one per repository and digest, however many references share it). */
  pulls: number;
  ms: number;
}

/**
 * `docker load` records tags only, and the classic store keeps a digest reference only
 * from a pull: so each pinned reference the daemon does not resolve yet is linked with
 * `docker pull name@digest`, which with the image's config already present fetches the
 * manifests and no layer. A failed pull (registry not reachable) leaves its references
 * unlinked; it fails nothing, as tags still work.
 */
export async function linkDigests(daemon: DockerDaemon, images: ArchiveImage[], present: DaemonImages): Promise<DigestLinks> {
  const started = Date.now();
  const pulls = new Map<string, { platform: string; references: string[] }>();
  for (const image of images) {
    for (const reference of image.pinned) {
      if (present.byDigest.get(repoDigest(reference)) === image.config.digest) continue;
      const name = `${reference.name}@${reference.digest}`;
      const pull = pulls.get(name) ?? { platform: dockerPlatform(image), references: [] };
      pull.references.push(`${reference}`);
      pulls.set(name, pull);
    }
  }
  const links: DigestLinks = { linked: [], unlinked: [], pulls: pulls.size, ms: 0 };
  await mapLimit([...pulls], LINK_CONCURRENCY, async ([name, { platform, references }]) => {
    try {
      await daemon.pull(name, platform);
      links.linked.push(...references);
    } catch (error) {
      const reason = messageOf(error).split('\n')[0];
      links.unlinked.push(...references.map((reference) => ({ reference, reason })));
    }
  });
  links.linked.sort();
  links.unlinked.sort((a, b) => a.reference.localeCompare(b.reference));
  links.ms = Date.now() - started;
  return links;
}

/** `os/arch[/variant]`, as `docker pull --platform` takes it: the manifest already loaded. */
function dockerPlatform(image: ArchiveImage): string {
  const { os, architecture, variant } = image.manifest.platform!;
  return [os, architecture, variant].filter(Boolean).join('/');
}
