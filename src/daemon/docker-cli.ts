import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ImageLockError, messageOf } from '../errors.js';

/** The Docker daemon failed or could not be reached (exit 3, like any other service failure). */
export class DaemonError extends ImageLockError {
  readonly exitCode = 3;
}

export interface DockerCliOptions {
  /** The docker CLI to run; `docker` on PATH by default. */
  command?: string;
  /** Its environment (DOCKER_HOST, DOCKER_CONTEXT, DOCKER_CONFIG...); this process's by default. */
  env?: NodeJS.ProcessEnv;
}

export interface DockerOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the docker CLI, which knows every way of reaching a daemon (DOCKER_HOST,
 * contexts, ssh, TLS) so this code need not. `stdin` is streamed in with
 * backpressure; when it fails, its error is the one reported, not the CLI's
 * complaint about a cut-off input.
 */
export async function runDocker(args: string[], options: DockerCliOptions = {}, stdin?: Readable): Promise<DockerOutput> {
  const command = options.command ?? 'docker';
  const child = spawn(command, args, { env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  let inputError: Error | undefined;
  stdin?.once('error', (error) => (inputError = error));
  const feeding = stdin ? pipeline(stdin, child.stdin).catch(() => undefined) : (child.stdin.end(), undefined);
  const [code] = (await Promise.race([
    once(child, 'close'),
    once(child, 'error').then(([error]) => {
      throw new DaemonError(`cannot run ${command}: ${messageOf(error)}`);
    })
  ])) as [number | null];
  await feeding;
  if (inputError && !isBrokenPipe(inputError)) throw inputError;
  return { code: code ?? 1, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8').trim() };
}

/** The CLI stopped reading (it failed): its exit code and message say why, not this. */
function isBrokenPipe(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ERR_STREAM_DESTROYED';
}

/** Like `runDocker`, failing with the CLI's own message when it exits non-zero. */
export async function runDockerOk(args: string[], options: DockerCliOptions = {}, stdin?: Readable): Promise<string> {
  const output = await runDocker(args, options, stdin);
  if (output.code !== 0) throw new DaemonError(`docker ${args[0]} failed: ${output.stderr || `exit code ${output.code}`}`);
  return output.stdout;
}
