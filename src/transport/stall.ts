import { RegistryError } from '../errors.js';

/** A stalled response is tried this many more times: twice the timeout in all stays under SPEC's bound. */
const STALL_RETRIES = 1;

/** The default of `--timeout`: no byte for this long and a response has stalled. */
export const DEFAULT_STALL_TIMEOUT_MS = 20_000;

/** A registry that sent no byte (headers, or the body's next chunk) for the whole timeout. */
export class StallError extends RegistryError {}

/** undici's timeouts for headers or body bytes that did not come, or ours made of them. */
export function isStall(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return error instanceof StallError || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
}

export function stallError(host: string, timeoutMs: number, tries: number): StallError {
  const times = tries === 1 ? 'once' : `${tries} times`;
  return new StallError(`${host} stalled: no byte for ${timeoutMs / 1000} s, ${times} (--timeout changes the wait)`);
}

/**
 * Runs a request and the reading of its body, trying it once more if it stalls, so that
 * a registry that stops answering fails the reference in about twice the timeout.
 */
export async function retryStalls<T>(host: string, timeoutMs: number, attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isStall(error)) throw error;
      if (tries > STALL_RETRIES) throw stallError(host, timeoutMs, tries);
    }
  }
}
