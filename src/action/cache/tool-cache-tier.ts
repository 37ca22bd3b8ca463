import { constants } from 'node:fs';
import { copyFile, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as core from '@actions/core';
import * as toolCache from '@actions/tool-cache';
import type { BlobStore } from '../../layout/blob-store.js';
import { isSha256Hex } from '../../layout/digest.js';
import type { CacheKey } from './cache-key.js';
import type { TierRestore } from './tier-restore.js';

const TOOL = 'image-lock-layers';
/** Entries kept per platform: a self-hosted runner serving several jobs keeps each warm, without growing forever. */
const MAX_ENTRIES = 4;

/**
 * The runner's tool cache (`RUNNER_TOOL_CACHE`) as a layer cache: it outlives the job
 * on self-hosted runners. One entry (a blob store) per job configuration and platform,
 * as a tool version; restoring copies the entry's blobs into the job's store, where
 * the pull re-hashes each before use like any other cached blob.
 */
export class ToolCacheTier {
  constructor(private readonly key: CacheKey) {}

  static available(): boolean {
    return Boolean(process.env.RUNNER_TOOL_CACHE);
  }

  /** Saving is worth it only where the tool cache outlives the job: not on a GitHub-hosted runner's one-off machine. */
  static persists(): boolean {
    return ToolCacheTier.available() && process.env.RUNNER_ENVIRONMENT !== 'github-hosted';
  }

  private get version(): string {
    // A semver version, as the tool cache wants: the prerelease part names the entry.
    return `1.0.0-k${this.key.hash.slice(0, 24)}`;
  }

  async restore(store: BlobStore): Promise<TierRestore> {
    const started = Date.now();
    const entries = await this.entriesNewestFirst();
    const best = entries.find((entry) => entry.version === this.version) ?? entries[0];
    if (!best) return { match: 'none', ms: Date.now() - started };
    const sourceDir = join(best.path, 'blobs', 'sha256');
    for (const name of (await readdir(sourceDir)).filter(isSha256Hex)) {
      const digest = `sha256:${name}`;
      // A reflink where the file system can, else a copy: never a hard link the job's store could damage.
      if ((await store.size(digest)) === undefined) await copyFile(join(sourceDir, name), store.path(digest), constants.COPYFILE_FICLONE);
    }
    return { match: best.version === this.version ? 'exact' : 'partial', entry: `${TOOL} ${best.version}`, ms: Date.now() - started };
  }

  /** Stores the (pruned) store as this configuration's entry, dropping the platform's oldest beyond the bound. */
  async save(storeDir: string): Promise<void> {
    await toolCache.cacheDir(storeDir, TOOL, this.version, this.key.platformSlug);
    const stale = (await this.entriesNewestFirst()).filter((entry) => entry.version !== this.version).slice(MAX_ENTRIES - 1);
    for (const entry of stale) {
      core.info(`image-lock: removing the old tool cache entry ${TOOL} ${entry.version}`);
      await rm(`${entry.path}.complete`, { force: true });
      await rm(entry.path, { recursive: true, force: true });
    }
  }

  private async entriesNewestFirst(): Promise<{ version: string; path: string; mtimeMs: number }[]> {
    const entries = await Promise.all(
      toolCache.findAllVersions(TOOL, this.key.platformSlug).map(async (version) => {
        const path = toolCache.find(TOOL, version, this.key.platformSlug);
        return { version, path, mtimeMs: (await stat(`${path}.complete`)).mtimeMs };
      })
    );
    return entries.sort((a, b) => b.mtimeMs - a.mtimeMs);
  }
}
