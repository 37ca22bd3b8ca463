import type { Readable } from 'node:stream';
import { messageOf } from '../errors.js';
import { DaemonError, runDocker, runDockerOk, type DockerCliOptions } from './docker-cli.js';
import { getThroughSocket, loadThroughSocket, localDockerSocket } from './docker-socket.js';

/** How `docker info` tells that the containerd image store is on. */
const CONTAINERD_SNAPSHOTTER = 'io.containerd.snapshotter.v1';

/** The daemon's images: name:tag and name@digest (as `docker images` prints them) -> image ID, and every ID. */
export interface DaemonImages {
  byName: Map<string, string>;
  byDigest: Map<string, string>;
  ids: Set<string>;
}

/**
 * Whether images can be loaded: a daemon answers and runs Linux containers; and which
 * image store it keeps them in (containerd's, or the classic one of graph drivers).
 */
export type DaemonStatus = { ready: true; version: string; classicStore: boolean } | { ready: false; reason: string };

interface DockerInfo {
  OSType?: string;
  ServerVersion?: string;
  DriverStatus?: [string, string][] | null;
}

/**
 * The Docker daemon, through the docker CLI (so DOCKER_HOST and contexts apply as they
 * do for the workflow's own `docker` steps), but for a load's bytes where the CLI
 * would only pass them on to a local socket.
 */
export class DockerDaemon {
  /** Looked up once: the status check and every load ask for it, and it may read the CLI's config file. */
  private localSocket?: Promise<string | undefined>;
  /** Asked once: the action's pull step and the pull it runs share the answer. */
  private statusAnswer?: Promise<DaemonStatus>;

  constructor(private readonly cli: DockerCliOptions = {}) {}

  status(): Promise<DaemonStatus> {
    return (this.statusAnswer ??= this.askStatus());
  }

  private async askStatus(): Promise<DaemonStatus> {
    let answer;
    try {
      answer = await this.info();
    } catch (error) {
      return { ready: false, reason: messageOf(error) };
    }
    const { info, unanswered } = answer;
    if (!info?.ServerVersion) return { ready: false, reason: `no Docker daemon answers: ${unanswered || 'docker info failed'}` };
    if (info.OSType !== 'linux')
      return { ready: false, reason: `the Docker daemon runs ${info.OSType ?? 'unknown'} containers, not Linux ones` };
    const containerdStore = (info.DriverStatus ?? []).some(([key, value]) => key === 'driver-type' && value === CONTAINERD_SNAPSHOTTER);
    return { ready: true, version: info.ServerVersion, classicStore: !containerdStore };
  }

  /**
   * The daemon's `info`, or why none came: from a local socket directly, where the CLI
   * would spend 0.1-0.2 s before asking (it scans its plugins for `docker info`), else
   * from the CLI. Throws only when the docker CLI cannot run at all.
   */
  private async info(): Promise<{ info?: DockerInfo | null; unanswered?: string }> {
    const socket = await this.socket();
    if (socket) {
      try {
        return { info: (await getThroughSocket(socket, '/info')) as DockerInfo };
      } catch (error) {
        return { unanswered: messageOf(error) };
      }
    }
    const output = await runDocker(['info', '--format', '{{json .}}'], this.cli);
    // The CLI prints its own half of `info` even when no daemon answers, and fails.
    if (output.code !== 0) return { unanswered: output.stderr.split('\n')[0] };
    return { info: JSON.parse(output.stdout || 'null') as DockerInfo | null };
  }

  /**
   * Every image the daemon holds, in one call however many images are asked about:
   * each docker CLI run costs tens of milliseconds before it reaches the daemon.
   */
  async images(): Promise<DaemonImages> {
    // --all: an untagged image another one was built on is still the image asked for.
    const format = '{{.Repository}} {{.Tag}} {{.Digest}} {{.ID}}';
    const output = await runDockerOk(['images', '--all', '--digests', '--no-trunc', '--format', format], this.cli);
    const images: DaemonImages = { byName: new Map(), byDigest: new Map(), ids: new Set() };
    for (const line of output.split('\n').filter(Boolean)) {
      const [repository, tag, digest, id] = line.split(' ') as [string, string, string, string];
      images.ids.add(id);
      if (repository === '<none>') continue;
      if (tag !== '<none>') images.byName.set(`${repository}:${tag}`, id);
      if (digest !== '<none>') images.byDigest.set(`${repository}@${digest}`, id);
    }
    return images;
  }

  /** The value of the label `key` on each of the images `ids` (by image ID), those without it left out; one call for all. */
  async labels(ids: string[], key: string): Promise<Map<string, string>> {
    const values = new Map<string, string>();
    if (ids.length === 0) return values;
    // JSON keeps any value whole, and a missing label is `null`.
    const format = `{{.Id}} {{json (index .Config.Labels ${JSON.stringify(key)})}}`;
    for (const line of (await runDockerOk(['image', 'inspect', '--format', format, ...ids], this.cli)).split('\n').filter(Boolean)) {
      const space = line.indexOf(' ');
      const value = JSON.parse(line.slice(space + 1)) as unknown;
      if (typeof value === 'string') values.set(line.slice(0, space), value);
    }
    return values;
  }

  private socket(): Promise<string | undefined> {
    return (this.localSocket ??= localDockerSocket(this.cli.env ?? process.env));
  }

  /** `docker load` from a stream: the archive never touches the disk on this side. */
  async load(archive: Readable): Promise<void> {
    const socket = await this.socket();
    if (socket) await loadThroughSocket(socket, archive);
    else await runDockerOk(['load', '--quiet'], this.cli, archive);
  }

  /**
   * `docker pull` by digest: on the classic store the one way to record a digest
   * reference. With the image's config already present the daemon fetches its
   * manifests and no layer. Fails with the daemon's own message (registry not reachable).
   */
  async pull(reference: string, platform: string): Promise<void> {
    await runDockerOk(['pull', '--quiet', '--platform', platform, reference], this.cli);
  }

  async tag(source: string, target: string): Promise<void> {
    await runDockerOk(['tag', source, target], this.cli);
  }

  /** Removes images by ID (their layers stay while other images use them); one already gone is no failure. */
  async remove(ids: string[]): Promise<void> {
    const output = await runDocker(['rmi', ...ids], this.cli);
    const failures = output.stderr.split('\n').filter((line) => line && !/no such image/i.test(line));
    if (output.code !== 0 && failures.length > 0) throw new DaemonError(`docker rmi failed: ${failures.join('; ')}`);
  }
}
