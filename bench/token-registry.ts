// A token-auth registry as clients meet one over a network: the real registry and its
// token server each behind a loopback latency proxy, so every round trip a client makes
// (ping, token, manifest, blob) costs time. The registry's token realm is the proxied
// URL, so token requests pay the latency too.
//
// Fixtures are pushed straight to the registry (no proxy) with a token minted in-process,
// so set-up is quick and never shows in the token server's counts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bench } from './harness.js';
import { createSigner, makeClaims, signJwt } from '../test/env/jwt.js';
import { startLatencyProxy, type LatencyProxy } from '../test/env/latency-proxy.js';
import type { PushTarget } from '../test/env/push.js';
import { startRegistry, type RegistryHandle } from '../test/env/registry.js';
import { startTokenServer, type TokenServerHandle } from '../test/env/token-server.js';

export interface TokenRegistryOptions {
  /** Working folder (config, storage, logs, docker config); the caller removes it. */
  dir: string;
  /** Round-trip delay each proxy adds, in milliseconds. */
  latencyMs: number;
  user?: string;
  password?: string;
}

export interface TokenRegistry {
  /** `127.0.0.1:<port>` of the registry's proxy: the host to write in image references. */
  host: string;
  /** `user:password`, e.g. for skopeo's `--creds`. */
  creds: string;
  /** A folder whose config.json holds the credentials for `host`: set it as DOCKER_CONFIG. */
  dockerConfigDir: string;
  /** The registry itself: its access log counts requests (`requests()`, `resetRequests()`). */
  registry: RegistryHandle;
  registryProxy: LatencyProxy;
  /** Counts token requests (`requests()`, `resetRequests()`). */
  tokenServer: TokenServerHandle;
  tokenProxy: LatencyProxy;
  /** Pushes to `repo` directly, without latency or token requests. */
  pushTarget: (repo: string) => PushTarget;
  /** Forgets all requests and connections counted so far. */
  resetCounts(): Promise<void>;
}

/** Starts token server, registry and both proxies; each is stopped by the bench's cleanup. */
export async function startTokenRegistry(bench: Bench, options: TokenRegistryOptions): Promise<TokenRegistry> {
  const user = options.user ?? 'bench';
  const password = options.password ?? 'bench-password';
  mkdirSync(options.dir, { recursive: true });
  const signer = await createSigner(options.dir);

  // Anonymous pulls refused: every client must present the credentials, as with a private registry.
  const tokenServer = await startTokenServer({ signer, users: { [user]: password }, anonymous: false });
  bench.defer(() => tokenServer.stop());
  const tokenProxy = await startLatencyProxy({
    targetHost: '127.0.0.1',
    targetPort: Number(new URL(tokenServer.url).port),
    ms: options.latencyMs
  });
  bench.defer(() => tokenProxy.stop());

  const registry = await startRegistry({
    storageRoot: join(options.dir, 'storage'),
    workDir: join(options.dir, 'registry'),
    auth: {
      kind: 'token',
      realm: `${tokenProxy.url}/token`,
      service: tokenServer.service,
      issuer: tokenServer.issuer,
      rootCertBundle: signer.certFile
    }
  });
  bench.defer(() => registry.stop());
  const registryProxy = await startLatencyProxy({ targetHost: '127.0.0.1', targetPort: registry.port, ms: options.latencyMs });
  bench.defer(() => registryProxy.stop());

  const dockerConfigDir = join(options.dir, 'docker-config');
  writeDockerConfig(dockerConfigDir, registryProxy.host, user, password);

  return {
    host: registryProxy.host,
    creds: `${user}:${password}`,
    dockerConfigDir,
    registry,
    registryProxy,
    tokenServer,
    tokenProxy,
    pushTarget: (repo) => {
      const claims = makeClaims(
        tokenServer.issuer,
        tokenServer.service,
        user,
        [{ type: 'repository', name: repo, actions: ['pull', 'push'] }],
        3600
      );
      return { url: registry.url, authorization: `Bearer ${signJwt(signer, claims)}` };
    },
    resetCounts: async () => {
      await registry.resetRequests();
      tokenServer.resetRequests();
      registryProxy.resetConnections();
      tokenProxy.resetConnections();
    }
  };
}

/** A docker/login-action style config.json: `auths` keyed by host, `auth` = base64(user:password). */
function writeDockerConfig(dir: string, host: string, user: string, password: string): void {
  mkdirSync(dir, { recursive: true });
  const auth = Buffer.from(`${user}:${password}`).toString('base64');
  writeFileSync(join(dir, 'config.json'), `${JSON.stringify({ auths: { [host]: { auth } } }, null, 2)}\n`, { mode: 0o600 });
}
