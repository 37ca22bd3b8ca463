// What the resolve and verify benchmarks share: their knobs, and a token-auth registry
// behind latency proxies holding repositories x tags of multi-platform indexes.
import { rmSync } from 'node:fs';
import { envInt, envInts, type Bench } from './harness.js';
import { pushImageSet, type PushedIndex } from './multi-platform-images.js';
import { startTokenRegistry, type TokenRegistry } from './token-registry.js';
import { makeTempDir } from '../test/env/paths.js';

export interface ImageSetSettings {
  latencyMs: number;
  repositories: number;
  tags: string[];
  concurrencies: number[];
  runs: number;
  timeoutMs: number;
}

/** The knobs from the environment, with this benchmark's defaults for the set's size and concurrencies. */
export function imageSetSettings(defaults: { repositories: number; concurrencies: number[] }): ImageSetSettings {
  return {
    latencyMs: envInt('BENCH_LATENCY_MS', 40),
    repositories: envInt('BENCH_REPOSITORIES', defaults.repositories),
    tags: ['1.0', '1.1', '2.0', '2.1'],
    concurrencies: envInts('BENCH_CONCURRENCY', defaults.concurrencies),
    runs: envInt('BENCH_RUNS', 3),
    timeoutMs: envInt('BENCH_TIMEOUT_S', 600) * 1000
  };
}

/** A scratch folder, the registry and its token server behind proxies, and the pushed images; all removed at the end. */
export async function startImageSet(
  bench: Bench,
  name: string,
  settings: ImageSetSettings
): Promise<{ dir: string; env: TokenRegistry; images: PushedIndex[] }> {
  const dir = makeTempDir(`bench-${name}`);
  bench.defer(() => rmSync(dir, { recursive: true, force: true }));
  bench.progress(`starting a token-auth registry and its token server, each behind a +${settings.latencyMs} ms proxy`);
  const env = await startTokenRegistry(bench, { dir, latencyMs: settings.latencyMs });
  const images = await pushImageSet({
    host: env.host,
    repositories: settings.repositories,
    tags: settings.tags,
    pushTarget: env.pushTarget
  });
  bench.progress(`pushed ${images.length} OCI indexes (${settings.repositories} repositories x ${settings.tags.length} tags)`);
  return { dir, env, images };
}

/** The two lines that say what was measured, heading each report. */
export function describeImageSet(settings: ImageSetSettings, referenceCount: number): string[] {
  return [
    `${referenceCount} references (${settings.repositories} repositories x ${settings.tags.length} tags), each an OCI index of 3 platforms + 1 attestation;`,
    `token auth (credentials required), +${settings.latencyMs} ms per round trip to the registry and to the token server.`
  ];
}
