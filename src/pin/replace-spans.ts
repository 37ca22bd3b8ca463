import { chmod, readFile, realpath, stat } from 'node:fs/promises';
import type { TextSpan } from '../discovery/types.js';
import { messageOf } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic.js';

/** Text to put in place of a span that must still hold `from`. */
export interface Replacement {
  span: TextSpan;
  from: string;
  to: string;
}

/**
 * Replaces spans of one file, all or none: only if every span still holds the text it is
 * expected to, as one atomic write. Returns why it could not, or undefined when done.
 */
export async function replaceSpans(path: string, replacements: readonly Replacement[]): Promise<string | undefined> {
  if (replacements.length === 0) return undefined;
  let target: string;
  let content: string;
  try {
    // Through a symbolic link, the file it points to is what gets rewritten.
    target = await realpath(path);
    content = await readFile(target, 'utf8');
  } catch (error) {
    return `cannot read the file: ${messageOf(error)}`;
  }
  const lineStarts = [0];
  for (let i = content.indexOf('\n'); i !== -1; i = content.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const located: { replacement: Replacement; offset: number }[] = [];
  for (const replacement of replacements) {
    const { line, column, length } = replacement.span;
    const lineStart = lineStarts[line - 1];
    const lineEnd = line < lineStarts.length ? lineStarts[line] - 1 : content.length;
    const offset = lineStart === undefined || column < 1 ? -1 : lineStart + column - 1;
    if (offset < 0 || offset + length > lineEnd || content.slice(offset, offset + length) !== replacement.from) {
      return 'the file changed since it was scanned';
    }
    located.push({ replacement, offset });
  }
  located.sort((a, b) => a.offset - b.offset);
  if (located.some((entry, i) => i > 0 && located[i - 1].offset + located[i - 1].replacement.span.length > entry.offset)) {
    return 'overlapping references';
  }
  let updated = content;
  for (const { replacement, offset } of located.reverse()) {
    updated = updated.slice(0, offset) + replacement.to + updated.slice(offset + replacement.span.length);
  }
  try {
    const { mode } = await stat(target);
    await writeFileAtomic(target, updated);
    // The temporary file was created with the default mode; keep the file's own.
    await chmod(target, mode & 0o7777);
  } catch (error) {
    return `cannot write the file: ${messageOf(error)}`;
  }
  return undefined;
}
