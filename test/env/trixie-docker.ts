// Debian trixie's Docker 26 and containerd 1.7, unpacked under .tools/ by scripts/setup.sh
// (ensure_trixie_docker): the daemon of the containerd image store tests.
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.js';

export interface TrixieDocker {
  dockerd: string;
  containerd: string;
  /** The docker CLI of the same release, which finds buildx in DOCKER_CONFIG/cli-plugins. */
  docker: string;
  buildx: string;
  /** PATH entries holding containerd's shims and dockerd's helpers. */
  binDirs: string[];
}

export function trixieDocker(): TrixieDocker {
  const root = join(repoRoot(), '.tools', 'docker-trixie');
  const tools: TrixieDocker = {
    dockerd: join(root, 'usr/sbin/dockerd'),
    containerd: join(root, 'usr/bin/containerd'),
    docker: join(root, 'usr/bin/docker'),
    buildx: join(root, 'usr/libexec/docker/cli-plugins/docker-buildx'),
    binDirs: [join(root, 'usr/bin'), join(root, 'usr/sbin')]
  };
  for (const path of [tools.dockerd, tools.containerd, tools.docker, tools.buildx]) {
    try {
      accessSync(path, constants.X_OK);
    } catch {
      throw new Error(`test env: ${path} is missing: run scripts/setup.sh's ensure_trixie_docker (npm test does)`);
    }
  }
  return tools;
}
