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
 * The stalls one fetch may meet, all its tries together (the retries of a manifest, the
 * resumes of a blob): one more try after a stall, then the stall is the error, so that a
 * registry that stops answering fails the reference in about twice the timeout.
 */
export class StallBudget {
  private stalls = 0;

  constructor(
    private readonly host: string,
    private readonly timeoutMs: number
  ) {}

  /** Counts a stall; throws the stall error, naming the host, once there is no try left. */
  spend(): void {
    this.stalls++;
    if (this.stalls > STALL_RETRIES) throw stallError(this.host, this.timeoutMs, this.stalls);
  }
}

/** Runs a request and the reading of its body, trying it once more if it stalls. */
export async function retryStalls<T>(host: string, timeoutMs: number, attempt: () => Promise<T>): Promise<T> {
  const budget = new StallBudget(host, timeoutMs);
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (!isStall(error)) throw error;
      budget.spend();
    }
  }
}
