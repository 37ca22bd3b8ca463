// The life cycle every benchmark shares: a time limit on the whole run, and a cleanup
// stack that stops what the benchmark started (registries, proxies, temp dirs) whether it
// succeeds, throws, runs out of time or is interrupted. Plus timing helpers.
//
//   await runBenchmark('resolve', { timeoutMs: 600_000 }, async (bench) => {
//     const proxy = await startLatencyProxy(...);
//     bench.defer(() => proxy.stop());
//     const { ms } = await timed(() => work());
//   });

export interface Bench {
  /** Registers a cleanup; cleanups run last-registered first, once, even after a failure. */
  defer(cleanup: () => unknown): void;
  /** Milliseconds left before the run's time limit: a bound for child-process timeouts. */
  remainingMs(): number;
  /** Progress for the reader, on stderr so stdout holds only the results. */
  progress(message: string): void;
}

export interface BenchmarkOptions {
  /** The whole run, set-up and cleanup included, is stopped after this long. */
  timeoutMs: number;
}

/** How long cleanups may take once the time limit has struck, before the process exits anyway. */
const CLEANUP_GRACE_MS = 15_000;

/**
 * Runs `main` and then every deferred cleanup, and exits the process: with 0 on success,
 * 1 on failure or timeout, 128+signal on SIGINT/SIGTERM. Exiting explicitly matters: a
 * keep-alive socket left in some pool must not keep a finished benchmark waiting.
 */
export async function runBenchmark(name: string, options: BenchmarkOptions, main: (bench: Bench) => Promise<void>): Promise<never> {
  const started = Date.now();
  const cleanups: (() => unknown)[] = [];
  let cleaning: Promise<void> | undefined;

  const cleanUp = (): Promise<void> =>
    (cleaning ??= (async () => {
      for (const cleanup of cleanups.reverse()) {
        try {
          await cleanup();
        } catch (error) {
          console.error(`bench ${name}: cleanup failed: ${String(error)}`);
        }
      }
    })());

  const finish = async (code: number, reason?: string): Promise<never> => {
    if (reason) console.error(`bench ${name}: ${reason}`);
    // A cleanup that hangs must not turn a bounded benchmark into an unbounded one.
    const grace = setTimeout(() => process.exit(code || 1), CLEANUP_GRACE_MS);
    await cleanUp();
    clearTimeout(grace);
    process.exit(code);
  };

  const limit = setTimeout(() => void finish(1, `stopped: over its time limit of ${options.timeoutMs / 1000} s`), options.timeoutMs);
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143]
  ] as const) {
    process.once(signal, () => void finish(code, `interrupted by ${signal}`));
  }

  const bench: Bench = {
    defer: (cleanup) => void cleanups.push(cleanup),
    remainingMs: () => Math.max(0, started + options.timeoutMs - Date.now()),
    progress: (message) => console.error(`[${name} ${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`)
  };
  try {
    await main(bench);
  } catch (error) {
    clearTimeout(limit);
    return finish(1, `failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
  clearTimeout(limit);
  return finish(0);
}

/** Runs `fn` and measures its wall time with the monotonic clock. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

/** The median of some measurements (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Milliseconds as seconds for a table cell, e.g. `1.234 s`. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

/** A positive whole number from the environment, or `fallback` when unset: benchmark knobs. */
export function envInt(name: string, fallback: number): number {
  return envInts(name, [fallback])[0];
}

/** A comma-separated list of positive whole numbers from the environment, or `fallback` when unset. */
export function envInts(name: string, fallback: readonly number[]): number[] {
  const text = process.env[name]?.trim();
  if (!text) return [...fallback];
  return text.split(',').map((part) => {
    const value = Number(part.trim());
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be positive whole numbers separated by commas, got "${text}"`);
    return value;
  });
}
