import { spawn } from 'node:child_process';
import { InputError, RegistryError } from '../errors.js';
import type { Credentials } from './credentials.js';

/**
 * The docker-credential-helpers protocol, read side: `docker-credential-<name> get` with
 * the server URL on stdin answers `{"ServerURL","Username","Secret"}` on stdout.
 */
export interface CredentialHelperOptions {
  /** The helper's environment, PATH included; this process's by default. */
  env?: NodeJS.ProcessEnv;
  /** Helpers may wait on a keychain or a network; past this the lookup fails. */
  timeoutMs?: number;
  /** The file that names the helper, for the message when it is missing. */
  namedIn?: string;
}

export const DEFAULT_HELPER_TIMEOUT_MS = 30_000;
/** The Username docker stores an identity token under, with the token as Secret. */
const TOKEN_USERNAME = '<token>';
/** What helpers print when they hold nothing for the server (`credentials not found in native keychain`). */
const NOT_FOUND = /credentials not found/i;
const MAX_QUOTED_OUTPUT = 200;

interface HelperRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Credentials the helper `name` holds for `serverAddress`, or undefined when it holds none. */
export async function getFromCredentialHelper(
  name: string,
  serverAddress: string,
  options: CredentialHelperOptions = {}
): Promise<Credentials | undefined> {
  const program = `docker-credential-${name}`;
  const run = await runGet(program, serverAddress, options);
  if (run.exitCode !== 0) {
    if (NOT_FOUND.test(run.stdout) || NOT_FOUND.test(run.stderr)) return undefined;
    const status = run.signal ? `killed by ${run.signal}` : `exit code ${run.exitCode}`;
    const said = quotable(run.stdout) ?? quotable(run.stderr);
    throw new RegistryError(`credential helper ${program} failed for ${serverAddress} (${status})${said ? `: ${said}` : ''}`);
  }
  return parseAnswer(run.stdout, `credential helper ${program} for ${serverAddress}`);
}

function runGet(program: string, serverAddress: string, options: CredentialHelperOptions): Promise<HelperRun> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_HELPER_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const child = spawn(program, ['get'], { env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let settled = false;
    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      finish();
    };
    // SIGKILL: a helper stuck on a keychain prompt may ignore SIGTERM and would keep this process alive.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      settle(() =>
        reject(new RegistryError(`credential helper ${program} gave no answer for ${serverAddress} within ${timeoutMs / 1000} s`))
      );
    }, timeoutMs);
    child.on('error', (error: NodeJS.ErrnoException) =>
      settle(() =>
        reject(
          error.code === 'ENOENT'
            ? new InputError(`credential helper ${program}${options.namedIn ? `, named in ${options.namedIn},` : ''} is not on PATH`)
            : new InputError(`cannot run credential helper ${program}: ${error.code ?? error.message}`)
        )
      )
    );
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('close', (exitCode, signal) =>
      settle(() =>
        resolve({ exitCode, signal, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') })
      )
    );
    // A helper may exit without reading stdin; the broken pipe that follows is not a failure.
    child.stdin.on('error', () => {});
    child.stdin.end(serverAddress);
  });
}

function parseAnswer(stdout: string, helper: string): Credentials | undefined {
  // The answer is never quoted in messages: it holds the secret.
  let answer: unknown;
  try {
    answer = JSON.parse(stdout);
  } catch {
    throw new RegistryError(`${helper} answered with something other than JSON`);
  }
  const fields = typeof answer === 'object' && answer !== null && !Array.isArray(answer) ? (answer as Record<string, unknown>) : undefined;
  const username = fields?.Username ?? '';
  const secret = fields?.Secret ?? '';
  if (!fields || typeof username !== 'string' || typeof secret !== 'string') {
    throw new RegistryError(`${helper} answered without a string "Username" and "Secret"`);
  }
  if (!secret) return undefined;
  return username === TOKEN_USERNAME ? { identityToken: secret } : { username, password: secret };
}

/**
 * The first line of a failing helper's output, to say why it failed; left out when it
 * looks like a JSON answer, which would hold a secret.
 */
function quotable(output: string): string | undefined {
  const line = output
    .split('\n')
    .map((text) => text.trim())
    .find((text) => text !== '');
  if (line === undefined || line.startsWith('{')) return undefined;
  return line.length > MAX_QUOTED_OUTPUT ? `${line.slice(0, MAX_QUOTED_OUTPUT)}…` : line;
}
