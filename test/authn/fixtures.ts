import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Temporary directories for one test file, removed by `cleanUp`. */
export class Scratch {
  private readonly dirs: string[] = [];

  dir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'image-lock-authn-'));
    this.dirs.push(dir);
    return dir;
  }

  cleanUp(): void {
    for (const dir of this.dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes `<dir>/config.json`, as JSON unless given as text. */
export function writeConfig(dir: string, config: unknown): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
}

export function basicAuth(username: string, password: string): string {
  return Buffer.from(`${username}:${password}`).toString('base64');
}

/**
 * Credential helpers as real executables in `bin`. Each logs the server URL it was
 * asked for to `<bin>/<name>.calls`, so tests can see what docker would have sent.
 */
export const HELPERS: Record<string, string> = {
  // Knows one registry and Docker Hub (as an identity token), nothing else.
  test: `
case "$server" in
  registry.example.com) printf '{"ServerURL":"%s","Username":"helper-user","Secret":"helper-password"}\\n' "$server" ;;
  https://index.docker.io/v1/) printf '{"ServerURL":"%s","Username":"<token>","Secret":"hub-identity-token"}\\n' "$server" ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac`,
  // Answers every registry.
  other: `printf '{"ServerURL":"%s","Username":"other-user","Secret":"other-password"}' "$server"`,
  // Fails the way docker-credential-pass does without its GPG key.
  broken: `echo "gpg: decryption failed: No secret key" >&2; exit 1`,
  // Fails after printing an answer, which must not be quoted.
  leaky: `printf '{"Username":"u","Secret":"leaked-secret-123"}'; exit 2`,
  // Succeeds with something other than JSON, which must not be quoted either.
  garbled: `echo "Username=u Secret=garbled-secret-456"`,
  // Never answers; exec so that killing it leaves no child holding the pipes.
  slow: `exec sleep 30`
};

export function writeHelpers(bin: string): void {
  for (const [name, body] of Object.entries(HELPERS)) writeHelper(bin, name, `server=$(cat)\necho "$server" >> "$0.calls"\n${body}`);
}

/** `docker-credential-<name>` in `bin`, running `body` for `get` with the server URL still on stdin. */
export function writeHelper(bin: string, name: string, body: string): void {
  const file = join(bin, `docker-credential-${name}`);
  writeFileSync(file, `#!/bin/sh\n[ "$1" = get ] || exit 1\n${body}\n`);
  chmodSync(file, 0o755);
}

/** Server URLs the helper `name` in `bin` was asked for. */
export function helperCalls(bin: string, name: string): string[] {
  try {
    return readFileSync(join(bin, `docker-credential-${name}.calls`), 'utf8')
      .split('\n')
      .filter(Boolean);
  } catch {
    return [];
  }
}

/** An environment whose PATH finds the helpers in `bin` first, leaving process.env alone. */
export function envWithHelpers(bin: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`, ...extra };
}
