import { DOCKER_HUB, type Reference } from '../name/reference.js';

/**
 * A repository the way `docker save` writes it in RepoTags and `docker images` prints
 * it: Docker Hub names in their familiar form (`nginx`, `user/app`), every other
 * registry kept whole (`localhost:5000/app`).
 */
export function familiarName(reference: Reference): string {
  return reference.registry === DOCKER_HUB ? reference.repository.replace(/^library\/(?=[^/]+$)/, '') : reference.name;
}

/** A tagged reference as in RepoTags (`nginx:1.25`); `docker load` and containerd's import read both forms. */
export function repoTag(reference: Reference): string {
  return `${familiarName(reference)}:${reference.tag}`;
}

/** A digest reference as in RepoDigests (`nginx@sha256:...`): what a pull by digest records. */
export function repoDigest(reference: Reference): string {
  return `${familiarName(reference)}@${reference.digest}`;
}
