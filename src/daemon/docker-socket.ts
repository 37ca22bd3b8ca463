import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import { dockerConfigFile } from '../authn/docker-config.js';
import { DaemonError } from './docker-cli.js';

const DEFAULT_SOCKET = '/var/run/docker.sock';

/**
 * The unix socket the docker CLI would reach the daemon through, when that is all it
 * would do: `DOCKER_HOST=unix://...`, or no DOCKER_HOST and no context but the default
 * one. Anything else (tcp with TLS, ssh, a context) is the CLI's to resolve: undefined.
 */
export async function localDockerSocket(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const host = env.DOCKER_HOST;
  if (host) return host.startsWith('unix://') ? host.slice('unix://'.length) : undefined;
  if (env.DOCKER_CONTEXT && env.DOCKER_CONTEXT !== 'default') return undefined;
  if (!env.DOCKER_CONTEXT && (await currentContext(env)) !== 'default') return undefined;
  return existsSync(DEFAULT_SOCKET) ? DEFAULT_SOCKET : undefined;
}

async function currentContext(env: NodeJS.ProcessEnv): Promise<string> {
  try {
    const config = JSON.parse(await readFile(dockerConfigFile({ env }), 'utf8')) as { currentContext?: unknown } | null;
    return typeof config?.currentContext === 'string' && config.currentContext ? config.currentContext : 'default';
  } catch {
    // No config (or one the CLI will complain about itself): the default context.
    return 'default';
  }
}

/**
 * `docker load` through the Engine API on a unix socket. For a large archive this
 * spares the docker CLI's copy of every byte from a pipe to the socket, a core's worth
 * of system calls on a small runner. The daemon reports a failed load inside a 200
 * answer, as a JSON message with `error`; other failures as `{ message }`.
 */
export async function loadThroughSocket(socketPath: string, archive: Readable): Promise<void> {
  let archiveError: unknown;
  archive.once('error', (error) => (archiveError = error));
  const agent = new Agent({ connect: { socketPath }, headersTimeout: 0, bodyTimeout: 0 });
  try {
    const { statusCode, body } = await request('http://docker/images/load?quiet=1', {
      method: 'POST',
      headers: { 'content-type': 'application/x-tar' },
      body: archive,
      dispatcher: agent
    });
    const messages = (await body.text()).split('\n').filter(Boolean).map(parseMessage);
    const failure =
      statusCode === 200 ? messages.find((message) => message.error)?.error : (messages[0]?.message ?? `status ${statusCode}`);
    if (failure) throw new DaemonError(`docker load failed: ${failure}`);
  } catch (error) {
    // The archive's own failure is the one to report (a layer that must go in as stored).
    throw archiveError ?? error;
  } finally {
    await agent.close();
  }
}

/** A GET of the Engine API on a unix socket: its JSON answer. Fails when nothing answers there, or not with 200. */
export async function getThroughSocket(socketPath: string, path: string): Promise<unknown> {
  const agent = new Agent({ connect: { socketPath } });
  try {
    const { statusCode, body } = await request(`http://docker${path}`, { dispatcher: agent });
    const text = await body.text();
    if (statusCode !== 200) throw new DaemonError(`GET ${path} answered ${statusCode}: ${text.trim()}`);
    return JSON.parse(text) as unknown;
  } finally {
    await agent.close();
  }
}

function parseMessage(line: string): { error?: string; message?: string } {
  try {
    return JSON.parse(line) as { error?: string; message?: string };
  } catch {
    return { error: line };
  }
}
