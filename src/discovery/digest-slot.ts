import { isAlias, isMap, isScalar, Scalar, type Document, type YAMLMap } from 'yaml';
import type { DigestSlot, TextSpan } from './types.js';
import type { YamlSource } from './yaml-source.js';

/**
 * Where pinning writes the digest of an image written as a YAML map (kustomize `images:`,
 * Helm `image:`): in place of the value of its `digest` key, when it has one.
 */
export function existingDigestSlot(yaml: YamlSource, document: Document, node: unknown): DigestSlot | undefined {
  const map = asMap(document, node);
  const pair = map?.items.find((item) => isScalar(item.key) && item.key.value === 'digest');
  if (!pair || !isScalar(pair.key) || !pair.key.range) return undefined;
  const value = pair.value;
  if (isScalar(value) && value.range && (value.value === null || typeof value.value === 'string')) {
    const [start, end] = value.range;
    const quoted = value.type === Scalar.QUOTE_DOUBLE || value.type === Scalar.QUOTE_SINGLE;
    const written = yaml.content.slice(quoted ? start + 1 : start, quoted ? end - 1 : end);
    // `digest:` with nothing after it: the value goes after the colon.
    if (value.value === null && written === '') return slot(yaml.spanAt(start, 0), '', ' ');
    if (written === (value.value ?? '') && !written.includes('\n'))
      return slot(yaml.spanAt(quoted ? start + 1 : start, written.length), written, '');
  }
  return undefined;
}

/** Where a `digest:` key is added to a map that has none: after its last entry, in its own style. */
export function newDigestSlot(yaml: YamlSource, document: Document, node: unknown): DigestSlot | undefined {
  const map = asMap(document, node);
  const first = map?.items[0]?.key;
  const last = map?.items.at(-1)?.value;
  if (!map || !isScalar(first) || !first.range || !isScalar(last) || !last.range) return undefined;
  const valueEnd = last.range[1];
  if (map.flow) return slot(yaml.spanAt(valueEnd, 0), '', ', digest: ');
  const { content } = yaml;
  const newline = content.indexOf('\n', valueEnd);
  const lineEnd = newline === -1 ? content.length : content[newline - 1] === '\r' ? newline - 1 : newline;
  const eol = newline !== -1 && content[newline - 1] === '\r' ? '\r\n' : '\n';
  const keyAt = yaml.spanAt(first.range[0], 0);
  return keyAt && slot(yaml.spanAt(lineEnd, 0), '', `${eol}${' '.repeat(keyAt.column - 1)}digest: `);
}

function slot(span: TextSpan | undefined, from: string, prefix: string): DigestSlot | undefined {
  return span && { span, from, prefix };
}

function asMap(document: Document, node: unknown): YAMLMap | undefined {
  const resolved = isAlias(node) ? node.resolve(document) : node;
  return isMap(resolved) ? resolved : undefined;
}
