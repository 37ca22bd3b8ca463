// Runs the pull engine the way the CLI would, against the test registries: references
// keep their real names while an endpoint override sends the requests where the test wants.
import { DockerDaemon } from '../../../src/daemon/docker-daemon.js';
import type { BlobStore } from '../../../src/layout/blob-store.js';
import { pullImages, type PullOptions, type PullResult } from '../../../src/pull/pull.js';
import { RegistryClient, type RequestCounts } from '../../../src/remote/registry-client.js';
import { loadTestEnv } from '../../env/env.js';
import { LINUX_AMD64 } from './locked-images.js';

/** Few quick retries: tests that stop a registry should not wait out the real back-off. */
const FAST_RETRY = { retries: 1, baseDelayMs: 10, maxDelayMs: 20 };

export interface RunPullOptions extends Partial<Omit<PullOptions, 'daemon' | 'client'>> {
  images: PullOptions['images'];
  store: BlobStore;
  /** Registry host (as in the references) -> URL to send its requests to. */
  overrides?: Record<string, string>;
  /** Environment of the docker CLI (DOCKER_HOST); no load without it. */
  dockerEnv?: NodeJS.ProcessEnv;
}

export async function runPull(options: RunPullOptions): Promise<{ result: PullResult; counts: RequestCounts }> {
  const { overrides, dockerEnv, ...rest } = options;
  // Docker Hub names are served by the shared anonymous registry.
  const hub = { 'registry-1.docker.io': loadTestEnv().registries.anonymous.url };
  const client = new RegistryClient({ overrides: { ...hub, ...overrides }, http: { retry: FAST_RETRY } });
  try {
    const daemon = dockerEnv ? new DockerDaemon({ env: dockerEnv }) : undefined;
    const result = await pullImages({ platform: LINUX_AMD64, client, daemon, ...rest });
    return { result, counts: client.counts };
  } finally {
    await client.close();
  }
}
