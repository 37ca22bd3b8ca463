import { escapeHtml } from './summary-html.js';

/**
 * `${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/blob/${GITHUB_SHA}/<file>#L<line>`: the
 * file at the commit the job ran on, so the link still shows the line the summary
 * meant after the branch moves. Undefined outside a runner (one of them unset).
 */
export function sourceUrl(file: string, line?: number, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_SHA: sha } = env;
  if (!server || !repository || !sha) return undefined;
  const path = file.split('/').map(encodeURIComponent).join('/');
  return `${server.replace(/\/+$/, '')}/${repository}/blob/${sha}/${path}${line ? `#L${line}` : ''}`;
}

/** `text` as a link to the file (and line) on GitHub, or as plain text when there is no runner to link to. */
export function sourceLink(text: string, file: string, line?: number): string {
  const url = sourceUrl(file, line);
  return url ? `<a href="${escapeHtml(url)}">${escapeHtml(text)}</a>` : escapeHtml(text);
}
