// A real CNCF distribution 2.8 registry (Debian's `docker-registry`) on a loopback port.
// Several processes may share one storage root, so fixtures pushed once through the
// anonymous registry are served by the htpasswd and token registries too.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { killPid, requireTool, runOk, waitFor } from './proc.js';
import { RegistryLog, type RegistryRequest } from './registry-log.js';

export type RegistryAuth =
  | { kind: 'none' }
  | { kind: 'htpasswd'; users: Record<string, string>; realm?: string }
  | { kind: 'token'; realm: string; service: string; issuer: string; rootCertBundle: string };

export interface RegistryOptions {
  /** Filesystem storage root; pass the same one to several registries to share content. */
  storageRoot: string;
  /** Folder for this registry's config, htpasswd and log file (created if missing). */
  workDir: string;
  auth?: RegistryAuth;
  /** Extra response headers (`http.headers`), e.g. rate-limit headers. */
  headers?: Record<string, string[]>;
  /**
   * Shared `http.secret`: upload state is HMAC'd with it, so an upload begun on one
   * registry process can be finished on another serving the same storage.
   */
  secret?: string;
  /** Top-level config sections merged in as-is (e.g. `proxy` for a pull-through mirror). */
  extraConfig?: Record<string, unknown>;
}

export interface RegistryHandle {
  url: string;
  /** `127.0.0.1:<port>`, as written in image references. */
  host: string;
  port: number;
  pid: number;
  logFile: string;
  configFile: string;
  requests(): Promise<RegistryRequest[]>;
  resetRequests(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a registry and resolves once `/v2/` answers (200, or 401 when auth is on). */
export async function startRegistry(opts: RegistryOptions): Promise<RegistryHandle> {
  const bin = requireTool('docker-registry', 'apt-get install docker-registry');
  mkdirSync(opts.workDir, { recursive: true });
  mkdirSync(opts.storageRoot, { recursive: true });
  const authSection = await authConfig(opts);
  // Retry: the port is free when picked but another process may take it before we bind.
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const configFile = join(opts.workDir, 'config.yml');
    const logFile = join(opts.workDir, 'registry.log');
    writeFileSync(configFile, JSON.stringify(buildConfig(opts, port, authSection), null, 2));
    const fd = openSync(logFile, 'a');
    const child = spawn(bin, ['serve', configFile], { stdio: ['ignore', fd, fd] });
    closeSync(fd);
    child.unref();
    let exited = false;
    child.on('exit', () => (exited = true));
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitFor(
        async () => {
          if (exited) throw new Error(`docker-registry exited: ${tail(logFile)}`);
          const res = await fetch(`${url}/v2/`);
          await res.arrayBuffer();
          return res.status === 200 || res.status === 401;
        },
        10_000,
        `docker-registry on ${url}`
      );
    } catch (e) {
      await killPid(child.pid ?? -1);
      if (attempt < 3 && tail(logFile).includes('address already in use')) continue;
      throw e;
    }
    const pid = child.pid!;
    const log = new RegistryLog(logFile, url);
    return {
      url,
      host: `127.0.0.1:${port}`,
      port,
      pid,
      logFile,
      configFile,
      requests: () => log.requests(),
      resetRequests: () => log.resetRequests(),
      stop: () => killPid(pid)
    };
  }
}

// The registry parses its config with a YAML parser; JSON is YAML, so no YAML writer is needed.
function buildConfig(opts: RegistryOptions, port: number, auth: Record<string, unknown> | undefined) {
  return {
    version: '0.1',
    // Info level plus the access log: every request, including 401s, lands in the log file.
    log: { level: 'info', formatter: 'text', accesslog: { disabled: false } },
    storage: {
      filesystem: { rootdirectory: opts.storageRoot },
      delete: { enabled: true },
      // Several processes share the storage; a purge in one would break uploads in another.
      maintenance: { uploadpurging: { enabled: false } }
      // No `cache` section: with none, each process reads blob descriptors from the shared
      // storage, so what one process stores is seen at once by the others.
    },
    http: {
      addr: `127.0.0.1:${port}`,
      secret: opts.secret ?? 'image-lock-test-env-shared-secret',
      headers: { 'X-Content-Type-Options': ['nosniff'], ...(opts.headers ?? {}) }
    },
    ...(auth ? { auth } : {}),
    ...(opts.extraConfig ?? {})
  };
}

async function authConfig(opts: RegistryOptions): Promise<Record<string, unknown> | undefined> {
  const auth = opts.auth ?? { kind: 'none' };
  switch (auth.kind) {
    case 'none':
      return undefined;
    case 'htpasswd': {
      const htpasswd = requireTool('htpasswd', 'apt-get install apache2-utils');
      const lines: string[] = [];
      for (const [user, pass] of Object.entries(auth.users)) {
        // -B: bcrypt, the only hash distribution's htpasswd auth accepts.
        const res = await runOk(htpasswd, ['-Bbn', user, pass]);
        lines.push(res.stdout.toString('utf8').trim());
      }
      const path = join(opts.workDir, 'htpasswd');
      writeFileSync(path, lines.join('\n') + '\n');
      return { htpasswd: { realm: auth.realm ?? 'image-lock-test', path } };
    }
    case 'token':
      return {
        token: {
          realm: auth.realm,
          service: auth.service,
          issuer: auth.issuer,
          rootcertbundle: auth.rootCertBundle
        }
      };
  }
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-5).join('\n');
  } catch {
    return '';
  }
}
