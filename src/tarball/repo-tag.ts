import { DOCKER_HUB, type Reference } from '../name/reference.js';

/**
 * A tagged reference the way `docker save` writes it in RepoTags: Docker Hub names in
 * their familiar form (`nginx:1.25`, `user/app:1`), every other registry kept whole
 * (`localhost:5000/app:1`). `docker load` and containerd's import read both forms;
 * this one is what users see in `docker images`.
 */
export function repoTag(reference: Reference): string {
  const name = reference.registry === DOCKER_HUB ? reference.repository.replace(/^library\/(?=[^/]+$)/, '') : reference.name;
  return `${name}:${reference.tag}`;
}
