import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { updateMarkdown } from '../commands/update-markdown.js';
import type { UpdateReport } from '../commands/update.js';
import { writeFileAtomic } from '../fs/atomic.js';

/**
 * Writes the Markdown report where the runner keeps a job's scratch files, not in the
 * workspace: a step that commits the workspace (create-pull-request) must not commit it.
 */
export async function writeUpdateReport(report: UpdateReport): Promise<string> {
  const path = join(process.env.RUNNER_TEMP || tmpdir(), 'image-lock-update.md');
  await writeFileAtomic(path, updateMarkdown(report));
  return path;
}
