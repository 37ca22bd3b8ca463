import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import type { Log } from '../commands/log.js';
import { lockedManifests, pull, readLockedImages } from '../commands/pull.js';
import { formatPullReport } from '../commands/pull-format.js';
import { DockerDaemon } from '../daemon/docker-daemon.js';
import { BlobStore } from '../layout/blob-store.js';
import { hostPlatform } from '../platform/platform.js';
import { cacheKey } from './cache/cache-key.js';
import { planLayerCacheSave, restoreLayerCache } from './cache/layer-cache.js';
import type { ActionInputs } from './inputs.js';
import { setCacheHitOutput } from './outputs.js';
import { writePullSkipped, writePullSummary } from './pull-summary.js';

const log: Log = { info: (message) => core.info(message), warn: (message) => core.warning(message) };

/**
 * The action's pre-pull: the layer cache restored (tool cache, then Actions cache),
 * the locked images fetched and loaded, the `cache-hit` output, the summary, and
 * what the post step should save. Without a Linux Docker daemon it says so and does
 * nothing: there is nowhere to load the images.
 */
export async function pullStep(inputs: ActionInputs): Promise<void> {
  const status = await new DockerDaemon().status();
  if (!status.ready) {
    core.warning(`image-lock pull skipped: ${status.reason}`);
    setCacheHitOutput('miss');
    if (inputs.summary) await writePullSkipped(status.reason);
    return;
  }
  const platform = inputs.pullPlatform ?? hostPlatform();
  const images = await readLockedImages(inputs.command);
  const key = cacheKey(lockedManifests(images, platform), platform);
  // The same path in every job: the Actions cache's version hashes it. The runner empties RUNNER_TEMP after each job.
  const storeDir = join(process.env.RUNNER_TEMP || tmpdir(), 'image-lock-layers');
  const restore = inputs.cache ? await restoreLayerCache(key, await BlobStore.open(storeDir)) : undefined;
  const report = await pull({ ...inputs.command, platform, cacheDir: storeDir, load: true }, log, images);
  setCacheHitOutput(report.cache);
  core.info(formatPullReport(report).trimEnd());
  if (restore) planLayerCacheSave(key, storeDir, restore, report);
  if (inputs.summary) await writePullSummary(report, restore);
}
