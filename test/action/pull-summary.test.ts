import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import type { PullReport } from '../../src/commands/pull.js';
import { writePullSummary } from '../../src/action/pull-summary.js';

describe('the pull section of the job summary', () => {
  test('names references and digests in <code>, since Markdown backticks do not render inside HTML', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'pull-summary-')), 'summary.md');
    await writeFile(file, '');
    process.env.GITHUB_STEP_SUMMARY = file;
    const digest = `sha256:${'ab'.repeat(32)}`;
    const image = {
      reference: 'registry.test/app:1.0',
      cache: 'miss',
      bytesFromCache: 0,
      bytesFromRegistry: 10,
      fetchMs: 5,
      daemon: 'loaded'
    };
    const report = {
      images: [image],
      platform: 'linux/amd64',
      cache: 'miss',
      bytesFromCache: 0,
      bytesFromRegistry: 10,
      fetchMs: 5,
      loadMs: 7,
      repaired: [digest]
    } as unknown as PullReport;
    await writePullSummary(report, undefined);
    core.summary.emptyBuffer();
    const html = await readFile(file, 'utf8');
    expect(html).toContain('<td><code>registry.test/app:1.0</code></td>');
    expect(html).toContain(`<li><code>${digest}</code> was corrupt in the cache and was fetched again</li>`);
    expect(html).toContain('<code>linux/amd64</code>');
    expect(html).not.toContain('`');
  });
});
