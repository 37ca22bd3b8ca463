import { getFromCredentialHelper } from './credential-helper.js';
import { hasSecret, type Credentials } from './credentials.js';
import { entryFor, helperFor, loadDockerConfig, serverAddressOf, type DockerConfig } from './docker-config.js';

export interface KeychainOptions {
  /** Directory holding `config.json`; else `$DOCKER_CONFIG`, else `<home>/.docker`. */
  dockerConfigDir?: string;
  /** Home directory for the default config location; the user's by default. */
  homeDir?: string;
  /** Token used as the password for ghcr.io when Docker's configuration has nothing for it. */
  githubToken?: string;
  /** Environment for `DOCKER_CONFIG`, `DOCKER_AUTH_CONFIG` and the credential helpers (PATH); this process's by default. */
  env?: NodeJS.ProcessEnv;
  /** How long a credential helper may take. */
  helperTimeoutMs?: number;
}

const GITHUB_CONTAINER_REGISTRY = 'ghcr.io';
/** ghcr.io checks the token, not the username, which only has to be non-empty. */
const GITHUB_TOKEN_USERNAME = 'x-access-token';

/**
 * Finds the credentials for a registry as `docker pull` would, then the GitHub token for
 * ghcr.io, else none (anonymous). Each registry is looked up once per Keychain: helpers
 * are slow, and a failing one should fail every image of its registry the same way.
 */
export class Keychain {
  private config?: Promise<DockerConfig>;
  private readonly resolved = new Map<string, Promise<Credentials | undefined>>();

  constructor(private readonly options: KeychainOptions = {}) {}

  /** Credentials for a normalised registry host (`docker.io`, `ghcr.io`, `localhost:5000`). */
  resolve(registry: string): Promise<Credentials | undefined> {
    let pending = this.resolved.get(registry);
    if (!pending) {
      pending = this.lookUp(registry);
      this.resolved.set(registry, pending);
    }
    return pending;
  }

  private async lookUp(registry: string): Promise<Credentials | undefined> {
    const config = await (this.config ??= loadDockerConfig(this.options));
    const fromDocker = await this.fromDockerConfig(config, registry);
    if (fromDocker) return fromDocker;
    if (registry === GITHUB_CONTAINER_REGISTRY && this.options.githubToken) {
      return { username: GITHUB_TOKEN_USERNAME, password: this.options.githubToken };
    }
    return undefined;
  }

  /**
   * docker/cli's order: `DOCKER_AUTH_CONFIG`, then the registry's helper (`credHelpers`,
   * else `credsStore`), else the file's `auths`. With a helper the file's login is not
   * used even when the helper has nothing.
   */
  private async fromDockerConfig(config: DockerConfig, registry: string): Promise<Credentials | undefined> {
    const fromEnvironment = entryFor(config.environmentAuths, registry);
    if (fromEnvironment) return fromEnvironment;
    const fileEntry = entryFor(config.auths, registry);
    const helper = helperFor(config, registry);
    if (!helper) return fileEntry && hasSecret(fileEntry) ? fileEntry : undefined;
    const stored = await getFromCredentialHelper(helper, serverAddressOf(registry), {
      env: this.options.env,
      timeoutMs: this.options.helperTimeoutMs,
      namedIn: config.file
    });
    // docker/cli's native store overlays the helper's login on the file entry, so a
    // `registrytoken` written in the file survives.
    const credentials = { ...(fileEntry?.registryToken ? { registryToken: fileEntry.registryToken } : {}), ...stored };
    return hasSecret(credentials) ? credentials : undefined;
  }
}
