// The job summary is HTML (GitHub renders Markdown only outside HTML blocks), so the
// pieces it is made of are built here, with the text in them escaped.

/** Lists longer than this fold into a `<details>` element, closed: a summary stays scannable. */
export const FOLD_AFTER = 5;

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Table cells are HTML, where Markdown backticks do not render. */
export function code(text: string): string {
  return `<code>${escapeHtml(text)}</code>`;
}

/** A digest cut to its algorithm and first 12 hex digits, as a table has room for. */
export function shortDigest(digest: string): string {
  return code(`${digest.slice(0, 19)}…`);
}

/** `<ul>` of items that are HTML already. */
export function htmlList(items: string[]): string {
  return `<ul>${items.map((item) => `<li>${item}</li>`).join('')}</ul>`;
}

/** A list that folds into a closed `<details>` element, saying how many `what` it holds, when long. */
export function foldedList(items: string[], what: string): string {
  if (items.length <= FOLD_AFTER) return `${htmlList(items)}\n`;
  return `<details><summary>${items.length} ${what}</summary>${htmlList(items)}</details>\n`;
}

/**
 * A titled list: open when short, folded when longer than FOLD_AFTER, the count in its
 * title either way. The title is HTML (it may hold a link).
 */
export function titledList(title: string, items: string[]): string {
  const open = items.length <= FOLD_AFTER ? ' open' : '';
  return `<details${open}><summary>${title} (${items.length})</summary>${htmlList(items)}</details>\n`;
}
