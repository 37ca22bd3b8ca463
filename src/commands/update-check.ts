import type { Reference } from '../name/reference.js';
import { readImageDetails, readPlatformImage, type ImageDetails, type PlatformImage } from '../remote/image-details.js';
import type { RegistryClient } from '../remote/registry-client.js';
import { platformsOf } from '../remote/resolve.js';
import { mapLimit } from '../util/map-limit.js';
import { currentOf } from './drift.js';
import type { Log } from './log.js';
import { checkSignatures, type SignatureCheck } from './signatures.js';
import type { SignedBy } from '../lockfile/lockfile.js';
import { allOrFail } from './resolve-all.js';
import { newestCreated, platformChanges, type PinnedSide, type PlatformChange } from './update-change.js';
import { ageInDays, cooldownVerdict } from './update-cooldown.js';
import type { UpdateOptions } from './update-options.js';
import type { FollowedTag, Pin } from './update-targets.js';

/** One pin whose tag moved: what it was, what the tag points to now, and whether it is taken. */
export interface ImageUpdate {
  /** The tag followed, `name:tag`. */
  reference: string;
  from: string;
  to: string;
  /** Taken, or left for now: too young for the cooldown, or of an age that cannot be told. */
  status: 'updated' | 'cooldown' | 'unknown-age' | 'unsigned';
  /** For `unsigned`: what was found and what the trust policy wants. */
  signature?: string;
  /** For `cooldown`: the first day (UTC) the new image is old enough. */
  eligibleOn?: string;
  /** The newest `created` of the new image's platforms; absent when none states one. */
  created?: string;
  ageDays?: number;
  platforms: PlatformChange[];
}

/** A moved pin with the new image, for rewriting the files and the lockfile. */
export interface Move {
  pin: Pin;
  update: ImageUpdate;
  image: ImageDetails;
  /** The new image's verified signer, when signatures are checked. */
  signedBy?: SignedBy;
}

export interface TagCheck {
  moves: Move[];
  /** Pins whose tag still points to their digest. */
  unchanged: Pin[];
}

// Per pin, for the pinned image's changed platforms; the tags themselves run `concurrency` at a time.
const PLATFORMS_IN_FLIGHT = 4;

/**
 * Asks where each tag points now with one manifest HEAD (HEADs do not count against
 * Docker Hub's pull limit), and GETs only the images of tags that moved: the new one
 * whole (manifests and configs, for sizes and age), of the pinned one the manifests of
 * platforms that changed (for their sizes and layers), when the registry still has them.
 */
export async function checkTags(
  client: RegistryClient,
  followed: FollowedTag[],
  options: UpdateOptions,
  log: Log,
  signatureCheck?: SignatureCheck
): Promise<TagCheck> {
  if (followed.length > 0) log.info(`following ${followed.length} pinned tag${followed.length === 1 ? '' : 's'}`);
  await client.authorize(
    followed.map(({ tag }) => tag),
    options.concurrency
  );
  const now = options.now?.() ?? new Date();
  const checks = await allOrFail(followed, options.concurrency, async ({ tag, pins }): Promise<TagCheck> => {
    const current = await currentOf(client, tag);
    const moved = pins.filter((pin) => pin.digest !== current.digest);
    if (moved.length === 0) return { moves: [], unchanged: pins };
    const image = await readImageDetails(client, tag, current.digest, options.platforms);
    const created = newestCreated(Object.values(image.images));
    const verdict = cooldownVerdict(created, now, options.cooldown);
    // A new digest is taken only when signed as the trust policy says, whatever its age.
    const signed = await checkSignatures(client, signatureCheck, [{ reference: tag, digest: image.digest }], 1);
    const unsigned = signed.problems.get(tag.toString());
    const status = unsigned ? 'unsigned' : verdict.take ? 'updated' : verdict.reason;
    const moves = await mapLimit(moved, PLATFORMS_IN_FLIGHT, async (pin): Promise<Move> => {
      const pinned = await pinnedSide(client, tag, pin, image);
      const update: ImageUpdate = {
        reference: tag.toString(),
        from: pin.digest,
        to: image.digest,
        status,
        ...(verdict.take || verdict.reason !== 'cooldown' ? {} : { eligibleOn: verdict.eligibleOn }),
        ...(unsigned ? { signature: unsigned } : {}),
        ...(created ? { created: created.toISOString(), ageDays: ageInDays(created, now) } : {}),
        platforms: platformChanges(pinned, image)
      };
      return { pin, update, image, signedBy: signed.signedBy.get(tag.toString()) };
    });
    return { moves, unchanged: pins.filter((pin) => !moved.includes(pin)) };
  });
  return { moves: checks.flatMap((check) => check.moves), unchanged: checks.flatMap((check) => check.unchanged) };
}

/**
 * The pinned image as far as a change report needs it: its platforms (from the lockfile
 * when it holds them, else its manifest) and the images of those that changed. A pinned
 * image the registry no longer has only leaves its sizes unknown.
 */
async function pinnedSide(client: RegistryClient, tag: Reference, pin: Pin, next: ImageDetails): Promise<PinnedSide | undefined> {
  const platforms = pin.entry?.platforms ?? (await readPlatforms(client, tag, pin.digest));
  if (!platforms) return undefined;
  const changed = Object.entries(platforms).filter(([key, digest]) => next.platforms[key] !== undefined && next.platforms[key] !== digest);
  const images: Record<string, PlatformImage> = {};
  await mapLimit(changed, PLATFORMS_IN_FLIGHT, async ([key, digest]) => {
    const image = await readPlatformImage(client, tag, digest, false).catch(() => undefined);
    if (image) images[key] = image;
  });
  return { platforms, images };
}

async function readPlatforms(client: RegistryClient, tag: Reference, digest: string): Promise<Record<string, string> | undefined> {
  try {
    return (await platformsOf(client, tag, await client.getManifest(tag, digest))).platforms;
  } catch {
    return undefined;
  }
}
