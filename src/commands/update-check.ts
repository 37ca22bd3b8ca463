import type { Reference } from '../name/reference.js';
import { readImageDetails, readPlatformImage, type ImageDetails, type PlatformImage } from '../remote/image-details.js';
import type { RegistryClient } from '../remote/registry-client.js';
import { platformsOf } from '../remote/resolve.js';
import { platformEntry, tagIndex, tagTarget } from '../remote/platform-pin.js';
import { mapLimit } from '../util/map-limit.js';
import { tagGone } from './drift.js';
import type { Log } from './log.js';
import { checkSignatures, type SignatureCheck } from './signatures.js';
import type { SignedBy } from '../lockfile/lockfile.js';
import { allOrFail } from './resolve-all.js';
import { newestCreated, platformChanges, type PinnedSide, type PlatformChange } from './update-change.js';
import { ageInDays, cooldownVerdict } from './update-cooldown.js';
import { howPinFollows, movedOnlyElsewhere, platformImageDetails, type PinFollow } from './update-follow.js';
import type { UpdateOptions } from './update-options.js';
import type { FollowedTag, Pin } from './update-targets.js';

/** One pin whose tag moved: what it was, what the tag points to now, and whether it is taken. */
export interface ImageUpdate {
  /** The tag followed, `name:tag`. */
  reference: string;
  from: string;
  to: string;
  /** Taken, or left: too young for the cooldown, of an age that cannot be told, moved only for platforms not used here, not signed as the trust policy says. */
  status: 'updated' | 'cooldown' | 'unknown-age' | 'not-used' | 'unsigned';
  /** For `unsigned`: what was found and what the trust policy wants. */
  signature?: string;
  /** For `cooldown`: the first day (UTC) the new image is old enough. */
  eligibleOn?: string;
  /** The newest `created` of the new image's platforms; absent when none states one. */
  created?: string;
  ageDays?: number;
  /** The day image-lock first saw the new digest (UTC): the cooldown counts from it too; absent when not known. */
  firstSeen?: string;
  /** For a pin to one platform's manifest of its tag's index: that platform, the only one followed. */
  platform?: string;
  platforms: PlatformChange[];
}

/** A moved pin with the new image, for rewriting the files and the lockfile. */
export interface Move {
  pin: Pin;
  update: ImageUpdate;
  image: ImageDetails;
  /** The new digest's verified signer, when signature verification is on. */
  signedBy?: SignedBy;
}

export interface TagCheck {
  moves: Move[];
  /** Pins whose tag still points to their digest (for a platform pin: its platform's). */
  unchanged: Pin[];
  /** Pins left as they are, with why: their tag is gone, or their platform left the tag's index. */
  kept: { pin: Pin; reason: string }[];
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
  firstSeen: (digest: string) => string | undefined,
  signatureCheck?: SignatureCheck
): Promise<TagCheck> {
  if (followed.length > 0) log.info(`following ${followed.length} pinned tag${followed.length === 1 ? '' : 's'}`);
  await client.authorize(
    followed.map(({ tag }) => tag),
    options.concurrency
  );
  const now = options.now;
  const checks = await allOrFail(followed, options.concurrency, async ({ tag, pins }): Promise<TagCheck> => {
    const target = await tagTarget(client, tag);
    if (!target) return { moves: [], unchanged: [], kept: pins.map((pin) => ({ pin, reason: tagGone(tag.toString(), true) })) };
    const off = pins.filter((pin) => pin.digest !== target.digest);
    if (off.length === 0) return { moves: [], unchanged: pins, kept: [] };
    // The index, for pins to one of its platforms' manifests; one GET, reused for the new image.
    const index = await tagIndex(client, tag, target);
    const follows = await mapLimit(off, PLATFORMS_IN_FLIGHT, (pin) => howPinFollows(client, tag, pin, index));
    const check: TagCheck = { moves: [], unchanged: pins.filter((pin) => !off.includes(pin)), kept: [] };
    const whole = follows.filter((follow) => follow.platform === undefined);
    const wholeImage =
      whole.length > 0 ? await readImageDetails(client, tag, target.digest, options.platforms, index?.manifest) : undefined;
    await mapLimit(follows, PLATFORMS_IN_FLIGHT, async (follow) => {
      const { pin, platform } = follow;
      if (platform === undefined) return void check.moves.push(await moveOf(tag, follow, wholeImage!));
      const entry = platformEntry(index!.platforms, platform);
      if (!entry) {
        const reason = `${platform} is no longer in ${tag}'s index (it now points to ${target.digest}); the pin is kept`;
        return void check.kept.push({ pin, reason });
      }
      if (entry[1] === pin.digest) return void check.unchanged.push(pin);
      const image = await platformImageDetails(client, tag, entry[0], entry[1]);
      check.moves.push(await moveOf(tag, { pin, platform: entry[0], pinnedPlatforms: { [entry[0]]: pin.digest } }, image));
    });
    return check;
  });

  async function moveOf(tag: Reference, follow: PinFollow, image: ImageDetails): Promise<Move> {
    const { pin, platform } = follow;
    const created = newestCreated(Object.values(image.images));
    const seen = firstSeen(image.digest);
    const verdict = cooldownVerdict(created, seen, now, options.cooldown);
    const pinned = await pinnedSide(client, tag, follow, image);
    const platforms = platformChanges(pinned, image);
    const elsewhere = platform === undefined && movedOnlyElsewhere(platforms, pin, options.platforms);
    // A new digest is taken only when signed as the trust policy says, whatever its age.
    const signed = await checkSignatures(client, signatureCheck, [{ reference: tag, digest: image.digest }], 1);
    const unsigned = signed.problems.get(tag.toString());
    const update: ImageUpdate = {
      reference: tag.toString(),
      from: pin.digest,
      to: image.digest,
      status: elsewhere ? 'not-used' : unsigned ? 'unsigned' : verdict.take ? 'updated' : verdict.reason,
      ...(verdict.take || verdict.reason !== 'cooldown' || elsewhere ? {} : { eligibleOn: verdict.eligibleOn }),
      ...(unsigned ? { signature: unsigned } : {}),
      ...(created ? { created: created.toISOString(), ageDays: ageInDays(created, now) } : {}),
      ...(seen === undefined ? {} : { firstSeen: seen }),
      ...(platform === undefined ? {} : { platform }),
      platforms
    };
    return { pin, update, image, signedBy: signed.signedBy.get(tag.toString()) };
  }

  const byKey = (a: { pin: Pin }, b: { pin: Pin }) => (a.pin.key < b.pin.key ? -1 : a.pin.key > b.pin.key ? 1 : 0);
  return {
    moves: checks.flatMap((check) => check.moves).sort(byKey),
    unchanged: checks.flatMap((check) => check.unchanged).sort((a, b) => byKey({ pin: a }, { pin: b })),
    kept: checks.flatMap((check) => check.kept).sort(byKey)
  };
}

/**
 * The pinned image as far as a change report needs it: its platforms (from the lockfile
 * when it holds them, else its manifest) and the images of those that changed. A pinned
 * image the registry no longer has only leaves its sizes unknown.
 */
async function pinnedSide(client: RegistryClient, tag: Reference, follow: PinFollow, next: ImageDetails): Promise<PinnedSide | undefined> {
  const platforms = follow.pinnedPlatforms ?? follow.pin.entry?.platforms ?? (await readPlatforms(client, tag, follow.pin.digest));
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
