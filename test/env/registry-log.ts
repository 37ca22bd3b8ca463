// Reading a registry's own request log, from any process.
//
// distribution 2.8 writes two kinds of lines per request to its output:
//   time="..." level=info msg="response completed" ... http.request.method=GET http.request.uri=/v2/... http.response.status=200
//   127.0.0.1 - - [23/Nov/2026:18:36:00 +0000] "GET /v2/ HTTP/1.1" 200 2 "" "curl/7.88.1"
// The logrus "response completed" line is NOT written for requests the auth layer turns
// away (401 challenges), so we parse the second, Apache-style access-log line, which the
// gorilla handler writes for every request once the handler returns.
//
// Because that line is written after the response went out, a client can read its
// response before the line reaches the file. requests() therefore sends a "barrier"
// request with a unique tag and waits for its line: lines of requests that completed
// before it are then in the file too.
import { randomUUID } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';

export interface RegistryRequest {
  method: string;
  /** Request path without the query string, e.g. `/v2/multi/app/manifests/1.0`. */
  path: string;
  /** Query string without `?`, '' when none. */
  query: string;
  status: number;
}

const ACCESS_LINE = /^\S+ \S+ \S+ \[[^\]]*\] "(\S+) (\S+) [^"]*" (\d{3}) /;
const BARRIER_PREFIX = '/v2/env-barrier/manifests/';

/** Parses the access-log lines of a registry's output; other lines are ignored. */
export function parseAccessLog(text: string): RegistryRequest[] {
  const out: RegistryRequest[] = [];
  for (const line of text.split('\n')) {
    const m = ACCESS_LINE.exec(line);
    if (!m) continue;
    const uri = m[2];
    const q = uri.indexOf('?');
    const path = q < 0 ? uri : uri.slice(0, q);
    if (path.startsWith(BARRIER_PREFIX)) continue;
    out.push({ method: m[1], path, query: q < 0 ? '' : uri.slice(q + 1), status: Number(m[3]) });
  }
  return out;
}

/**
 * A view of one registry's log file. Each instance keeps its own starting offset, so
 * resetRequests() in one test process never disturbs another process reading the same log.
 */
export class RegistryLog {
  constructor(
    readonly file: string,
    readonly url: string,
    /** Byte offset to start reading from (e.g. past the set-up's fixture pushes). */
    private offset = 0
  ) {}

  /** Requests logged since the last reset (or since the registry started). */
  async requests(): Promise<RegistryRequest[]> {
    await this.barrier();
    return this.requestsNow();
  }

  /** Same as requests() without waiting for in-flight log lines: may miss the last request. */
  requestsNow(): RegistryRequest[] {
    return parseAccessLog(this.read());
  }

  /** Forgets everything logged so far (for this view only). */
  async resetRequests(): Promise<void> {
    await this.barrier();
    this.offset = statSync(this.file).size;
  }

  private read(): string {
    const all = readFileSync(this.file);
    return all.subarray(Math.min(this.offset, all.length)).toString('utf8');
  }

  /** Sends a uniquely tagged request and waits until the registry has logged it. */
  private async barrier(): Promise<void> {
    const tag = randomUUID();
    const res = await fetch(`${this.url}${BARRIER_PREFIX}${tag}`, { method: 'GET' });
    await res.arrayBuffer();
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      if (this.read().includes(tag)) return;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`test env: registry ${this.url} did not log the barrier request in ${this.file}`);
  }
}
