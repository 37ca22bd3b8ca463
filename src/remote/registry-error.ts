import { RegistryError } from '../errors.js';
import type { HttpResponse } from '../transport/http.js';

/**
 * A registry's error response made readable: the distribution spec's
 * `{"errors":[{"code":"MANIFEST_UNKNOWN","message":"..."}]}` when it sent one.
 */
export async function registryError(response: HttpResponse, what: string): Promise<RegistryError> {
  const text = response.body ? await response.body.text().catch(() => '') : '';
  let detail = '';
  try {
    const errors = (JSON.parse(text) as { errors?: { code?: string; message?: string }[] }).errors ?? [];
    detail = errors.map((e) => [e.code, e.message].filter(Boolean).join(': ')).join('; ');
  } catch {
    // Not the spec's JSON; the status says enough.
  }
  const hint = response.status === 401 || response.status === 403 ? ' (check the registry credentials)' : '';
  return new RegistryError(
    `${what}: HTTP ${response.status}${detail ? ` (${detail})` : ''}${hint} from ${response.url.origin}`,
    response.status
  );
}
