import { ProgressMeter, type PullProgress } from '../../src/pull/progress.js';

describe('ProgressMeter', () => {
  it('says nothing about a short download and reports a long one once per interval', () => {
    let now = 1_000;
    const reports: PullProgress[] = [];
    const meter = new ProgressMeter(
      (p) => reports.push(p),
      5_000,
      () => now
    );
    meter.expect(30_000_000);
    for (let i = 0; i < 10; i++, now += 400) meter.add(100_000);
    expect(reports).toEqual([]);

    for (let i = 0; i < 30; i++, now += 500) meter.add(1_000_000);
    expect(reports.map((r) => r.elapsedMs)).toEqual([5_000, 10_000, 15_000]);
    expect(reports[0]).toEqual({ bytes: 4_000_000, totalBytes: 30_000_000, bytesPerSecond: 800_000, elapsedMs: 5_000 });
  });
});
