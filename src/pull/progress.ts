/** Where a long download stands, for progress lines. */
export interface PullProgress {
  /** Bytes fetched from registries so far. */
  bytes: number;
  /** Bytes to fetch, as far as known yet: it grows while manifests are read. */
  totalBytes: number;
  /** Average since the first download began. */
  bytesPerSecond: number;
  elapsedMs: number;
}

export type ProgressListener = (progress: PullProgress) => void;

/**
 * Counts downloaded bytes and tells the listener at most once per interval, so a
 * short download says nothing and a long one gives a steady line of figures.
 */
export class ProgressMeter {
  private bytes = 0;
  private totalBytes = 0;
  private startedAt: number | undefined;
  private lastReport = 0;

  constructor(
    private readonly listener: ProgressListener | undefined,
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now
  ) {}

  expect(bytes: number): void {
    this.totalBytes += bytes;
    this.startedAt ??= this.now();
    this.lastReport ||= this.startedAt;
  }

  add(bytes: number): void {
    this.bytes += bytes;
    const now = this.now();
    if (!this.listener || this.startedAt === undefined || now - this.lastReport < this.intervalMs) return;
    this.lastReport = now;
    const elapsedMs = now - this.startedAt;
    this.listener({
      bytes: this.bytes,
      totalBytes: Math.max(this.totalBytes, this.bytes),
      bytesPerSecond: elapsedMs > 0 ? Math.round((this.bytes * 1000) / elapsedMs) : 0,
      elapsedMs
    });
  }
}
