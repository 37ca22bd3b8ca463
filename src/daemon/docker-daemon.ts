import type { Readable } from 'node:stream';
import { messageOf } from '../errors.js';
import { runDocker, runDockerOk, DaemonError, type DockerCliOptions } from './docker-cli.js';

/** Whether images can be loaded: a daemon answers and runs Linux containers. */
export type DaemonStatus = { ready: true; version: string } | { ready: false; reason: string };

/**
 * The Docker daemon, through the docker CLI (so DOCKER_HOST and contexts apply as they
 * do for the workflow's own `docker` steps).
 */
export class DockerDaemon {
  constructor(private readonly cli: DockerCliOptions = {}) {}

  async status(): Promise<DaemonStatus> {
    let output;
    try {
      // `.Server` is only filled when the daemon answers; the CLI alone cannot.
      output = await runDocker(['version', '--format', '{{json .Server}}'], this.cli);
    } catch (error) {
      return { ready: false, reason: messageOf(error) };
    }
    const server = output.code === 0 ? (JSON.parse(output.stdout || 'null') as { Os?: string; Version?: string } | null) : null;
    if (!server) return { ready: false, reason: `no Docker daemon answers: ${output.stderr.split('\n')[0] || 'docker version failed'}` };
    if (server.Os !== 'linux') return { ready: false, reason: `the Docker daemon runs ${server.Os ?? 'unknown'} containers, not Linux ones` };
    return { ready: true, version: server.Version ?? 'unknown' };
  }

  /** The image ID `reference` (a name:tag or an ID) has in the daemon, or undefined when it has none. */
  async imageId(reference: string): Promise<string | undefined> {
    const output = await runDocker(['image', 'inspect', '--format', '{{.Id}}', reference], this.cli);
    if (output.code === 0) return output.stdout.trim();
    if (/no such image/i.test(output.stderr)) return undefined;
    throw new DaemonError(`docker image inspect ${reference} failed: ${output.stderr}`);
  }

  /** `docker load` from a stream: the archive never touches the disk on this side. */
  async load(archive: Readable): Promise<void> {
    await runDockerOk(['load', '--quiet'], this.cli, archive);
  }

  async tag(source: string, target: string): Promise<void> {
    await runDockerOk(['tag', source, target], this.cli);
  }
}
