import { readFile } from 'node:fs/promises';
import type { TextSpan } from '../discovery/types.js';
import { messageOf } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic.js';
import { writeTarget } from '../fs/confine.js';

/** Text to put in place of a span that must still hold `from`. */
export interface Replacement {
  span: TextSpan;
  from: string;
  to: string;
}

/** A character that would make a reference longer: the span no longer holds all of it. */
const REFERENCE_CHARACTER = /[\w.:/@-]/;

/**
 * Replaces spans of one file inside `root` (the repository), all or none: only if every span still holds
 * exactly the reference it is expected to (not a longer one edited since), as one atomic
 * write through `writeFileAtomic`. Returns why it could not, or undefined when done.
 */
export async function replaceSpans(path: string, replacements: readonly Replacement[], root: string): Promise<string | undefined> {
  if (replacements.length === 0) return undefined;
  let target: string;
  let content: string;
  try {
    // Through a symbolic link, the file it points to is what gets rewritten, if inside root.
    target = await writeTarget(path, [root], 'the file');
  } catch (error) {
    return messageOf(error);
  }
  try {
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
    const end = offset + length;
    if (offset < 0 || end > lineEnd || content.slice(offset, end) !== replacement.from || REFERENCE_CHARACTER.test(content.charAt(end))) {
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
    await writeFileAtomic(target, updated, { roots: [root], label: 'the file' });
  } catch (error) {
    return messageOf(error);
  }
  return undefined;
}
