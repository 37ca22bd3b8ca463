// The shape of .tmp/test-env.json: what the global set-up started, for tests in other
// processes (jest workers) and for the teardown.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Fixtures } from './fixtures.js';
import type { TokenShape } from './token-policy.js';
import { envFilePath } from './paths.js';

export type RegistryName = 'anonymous' | 'htpasswd' | 'token' | 'dockerhub' | 'ghcr';

export interface TokenServerInfo {
  url: string;
  realm: string;
  service: string;
  issuer: string;
  shape: TokenShape;
  anonymous: boolean;
  /** username -> password accepted by the token server (ghcr: any username, the password is the token). */
  users: Record<string, string>;
}

export interface RegistryInfo {
  name: RegistryName;
  url: string;
  /** `127.0.0.1:<port>`, as written in image references. */
  host: string;
  port: number;
  pid: number;
  logFile: string;
  /** Size of the log when set-up finished: views start here, past the fixture pushes. */
  logStart: number;
  auth: 'none' | 'htpasswd' | 'token';
  /** htpasswd registry: its users. */
  users?: Record<string, string>;
  /** token registries: their token server. */
  tokenServer?: TokenServerInfo;
}

export interface TestEnv {
  /** Folder holding this run's configs, logs and storage (removed at teardown). */
  dir: string;
  /** The storage root every registry serves. */
  storageRoot: string;
  /** Certificate the token registries trust (the token servers sign with its key). */
  tokenCertFile: string;
  registries: Record<RegistryName, RegistryInfo>;
  /** Credentials for the ghcr-shaped registry, as a GitHub token is used with ghcr.io. */
  githubToken: string;
  fixtures: Fixtures;
  /** Processes the set-up started (registries), for the teardown and for orphan clean-up. */
  pids: number[];
  /** The jest process that ran the set-up (it also hosts the token servers). */
  setupPid: number;
}

export function writeTestEnv(env: TestEnv): void {
  writeFileSync(envFilePath(), JSON.stringify(env, null, 2) + '\n');
}

/** Reads the environment file; undefined when there is none. */
export function readTestEnv(): TestEnv | undefined {
  const file = envFilePath();
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as TestEnv) : undefined;
}
