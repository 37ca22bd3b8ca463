// What tests import: the running environment and views of its request logs. Registries
// and token servers belong to the global set-up process, so everything here goes through
// files and HTTP, never through in-memory handles.
import { RegistryLog, type RegistryRequest } from './registry-log.js';
import { readTestEnv, type RegistryName, type TestEnv } from './state.js';
import type { TokenRequest } from './token-server.js';

export type { RegistryName, TestEnv, RegistryInfo, TokenServerInfo } from './state.js';
export type { RegistryRequest } from './registry-log.js';
export type { TokenRequest } from './token-server.js';

/** The environment the global set-up started; throws when it did not run. */
export function loadTestEnv(): TestEnv {
  const env = readTestEnv();
  if (!env) throw new Error('test env: .tmp/test-env.json is missing; run the tests through jest (globalSetup starts the registries)');
  return env;
}

/**
 * A view of a registry's request log starting after the fixture pushes. Views are
 * per-test-process; jest runs files in parallel workers against the same registries, so
 * tests that count requests should use repositories no other test file touches.
 */
export function registryLog(name: RegistryName, env = loadTestEnv()): RegistryLog {
  const r = env.registries[name];
  return new RegistryLog(r.logFile, r.url, r.logStart);
}

/** Requests a registry logged since the set-up finished (all test files together). */
export function registryRequests(name: RegistryName): Promise<RegistryRequest[]> {
  return registryLog(name).requests();
}

/** A view of a token server's requests (read over its `/_requests` endpoint). */
export class TokenLog {
  private offset = 0;

  constructor(readonly url: string) {}

  async requests(): Promise<TokenRequest[]> {
    return (await this.all()).slice(this.offset);
  }

  /** Forgets the requests so far, for this view only. */
  async resetRequests(): Promise<void> {
    this.offset = (await this.all()).length;
  }

  private async all(): Promise<TokenRequest[]> {
    const res = await fetch(`${this.url}/_requests`);
    if (!res.ok) throw new Error(`test env: token server ${this.url} answered ${res.status}`);
    return (await res.json()) as TokenRequest[];
  }
}

export function tokenLog(name: RegistryName, env = loadTestEnv()): TokenLog {
  const server = env.registries[name].tokenServer;
  if (!server) throw new Error(`test env: registry '${name}' has no token server`);
  return new TokenLog(server.url);
}

/** `Basic <base64>` for a user and password. */
export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/**
 * Gets a Bearer token from a token registry's server, as a client would after the
 * challenge (handy for pushing extra images to token registries in a test).
 */
export async function fetchToken(name: RegistryName, scope: string, creds?: { user: string; password: string }): Promise<string> {
  const server = loadTestEnv().registries[name].tokenServer;
  if (!server) throw new Error(`test env: registry '${name}' has no token server`);
  const url = `${server.realm}?service=${encodeURIComponent(server.service)}&scope=${encodeURIComponent(scope)}`;
  const res = await fetch(url, { headers: creds ? { Authorization: basicAuth(creds.user, creds.password) } : {} });
  if (!res.ok) throw new Error(`test env: token request for ${scope} answered ${res.status}`);
  const body = (await res.json()) as { token?: string; access_token?: string };
  const token = body.token ?? body.access_token;
  if (!token) throw new Error('test env: token response without a token');
  return token;
}
