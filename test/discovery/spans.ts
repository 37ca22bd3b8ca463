import type { DiscoveryResult, TextSpan } from '../../src/discovery/types.js';

/** The text a span covers in `content` (lines split at '\n', a '\r' kept in the line). */
export function textAt(content: string, span: TextSpan): string {
  const line = content.split('\n')[span.line - 1] ?? '';
  return line.slice(span.column - 1, span.column - 1 + span.length);
}

/** Occurrences in a compact form for assertions: `line text [@edit-line:column] [platform]`. */
export function summary(result: DiscoveryResult): string[] {
  return result.occurrences.map((occurrence) =>
    [
      `${occurrence.line} ${occurrence.text}`,
      occurrence.edit ? `@${occurrence.edit.line}:${occurrence.edit.column}` : '',
      occurrence.platform ? `(${occurrence.platform})` : ''
    ]
      .filter(Boolean)
      .join(' ')
  );
}

/** Every edit span must hold exactly the occurrence's text: what pin relies on. */
export function expectSpansHoldText(content: string, result: DiscoveryResult): void {
  for (const occurrence of result.occurrences) {
    if (occurrence.edit) expect(textAt(content, occurrence.edit)).toBe(occurrence.text);
  }
}
