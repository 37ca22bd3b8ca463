import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import type { Log } from '../commands/log.js';
import { lockedManifests, pull, readLockedImages } from '../commands/pull.js';
import { formatPullReport } from '../commands/pull-format.js';
import { DockerDaemon } from '../daemon/docker-daemon.js';
import { BlobStore } from '../layout/blob-store.js';
import { hostPlatform } from '../platform/platform.js';
import { pullTargets } from '../pull/pull-target.js';
import { cacheKey } from './cache/cache-key.js';
import { planLayerCacheSave, settleLayerCache, startLayerCache } from './cache/layer-cache.js';
import type { ActionInputs } from './inputs.js';
import { setCacheHitOutput } from './outputs.js';
import { writePullSkipped, writePullSummary } from './pull-summary.js';

const log: Log = { info: (message) => core.info(message), warn: (message) => core.warning(message) };

/**
 * The action's pre-pull: the layer cache restored (tool cache, then Actions cache, which
 * goes on while the pull runs), the locked images fetched and loaded, the `cache-hit`
 * output, the summary, and what the post step should save. Without a Linux Docker daemon it says so and does
 * nothing: there is nowhere to load the images.
 */
export async function pullStep(inputs: ActionInputs): Promise<void> {
  const daemon = new DockerDaemon();
  const status = await daemon.status();
  if (!status.ready) {
    core.warning(`image-lock pull skipped: ${status.reason}`);
    setCacheHitOutput('miss');
    if (inputs.summary) await writePullSkipped(status.reason);
    return;
  }
  const platform = inputs.pullPlatform ?? hostPlatform();
  const images = await readLockedImages(inputs.command);
  const key = cacheKey(lockedManifests(images, platform), platform);
  // The runner empties RUNNER_TEMP after each job. The same path in every job: the old layout's entries are found by it.
  const storeDir = join(process.env.RUNNER_TEMP || tmpdir(), 'image-lock-layers');
  const cache = inputs.cache ? await startLayerCache(key, await BlobStore.open(storeDir)) : undefined;
  // Not awaited whole: images whose blobs came early load while the rest still download.
  const arrival = cache?.actionsCache?.arrival;
  const report = await pull(
    { ...inputs.command, platform, cacheDir: storeDir, load: true, daemon, ...(arrival ? { arrival } : {}) },
    log,
    images
  );
  const restore = cache ? await settleLayerCache(cache) : undefined;
  setCacheHitOutput(report.cache);
  core.info(formatPullReport(report).trimEnd());
  if (cache && restore) {
    // Indexes, manifests and configs: kept inline in the Actions cache's index entry, not one entry each.
    const small = [
      ...pullTargets(images, platform).map((target) => target.locked.digest),
      ...report.images.flatMap((image) => [image.manifestDigest, image.configDigest])
    ];
    planLayerCacheSave(key, cache, restore, report, [...new Set(small)]);
  }
  if (inputs.summary) await writePullSummary(report, restore);
}
