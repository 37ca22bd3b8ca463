// The global set-up proper (global-setup.ts loads it): starts the shared registries and
// token servers, pushes the fixtures once and writes .tmp/test-env.json for the test
// workers. Runs in jest's main process, which hosts the token servers until tearDown().
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pushFixtures } from './fixtures.js';
import { createSigner } from './jwt.js';
import { envFilePath, makeTempDir, repoRoot, tmpRoot } from './paths.js';
import { alive, killPid, requireTool } from './proc.js';
import { startRegistry, type RegistryAuth, type RegistryHandle } from './registry.js';
import { writeTestEnv, type RegistryInfo, type RegistryName, type TestEnv, type TokenServerInfo } from './state.js';
import { startTokenServer, type TokenServerHandle } from './token-server.js';
import type { TokenShape } from './token-policy.js';

export const HTPASSWD_USERS = { alice: 'alice-password' };
export const TOKEN_USERS = { bob: 'bob-password' };
export const HUB_USERS = { hubuser: 'hub-password' };
export const GITHUB_TOKEN = 'ghs_imagelockTestToken0123456789';

/** In-process handles the teardown needs (same jest process). */
export interface LiveEnv {
  tokenServers: TokenServerHandle[];
  registries: RegistryHandle[];
}
declare global {
  var __IMAGE_LOCK_TEST_ENV__: LiveEnv | undefined;
}

export async function setUp(): Promise<void> {
  const started = Date.now();
  for (const [tool, pkg] of [
    ['docker-registry', 'docker-registry'],
    ['skopeo', 'skopeo'],
    ['openssl', 'openssl'],
    ['htpasswd', 'apache2-utils']
  ]) {
    requireTool(tool, `apt-get install ${pkg}`);
  }
  await cleanUpPreviousRun();
  process.env.IMAGE_LOCK_REPO_ROOT = repoRoot();
  const dir = makeTempDir('test-env');
  const storageRoot = join(dir, 'storage');
  const signer = await createSigner(dir);
  const live: LiveEnv = { tokenServers: [], registries: [] };
  globalThis.__IMAGE_LOCK_TEST_ENV__ = live;

  try {
    const token = async (shape: TokenShape, users: Record<string, string>, anonymous: boolean) => {
      const server = await startTokenServer({ signer, shape, users, anonymous });
      live.tokenServers.push(server);
      const info: TokenServerInfo = {
        url: server.url,
        realm: server.realm,
        service: server.service,
        issuer: server.issuer,
        shape,
        anonymous,
        users
      };
      return info;
    };
    const [tokenInfo, hubInfo, ghcrInfo] = await Promise.all([
      token('distribution', TOKEN_USERS, false),
      token('dockerhub', HUB_USERS, true),
      token('ghcr', { 'github-actions': GITHUB_TOKEN }, true)
    ]);
    const tokenAuth = (t: TokenServerInfo): RegistryAuth => ({
      kind: 'token',
      realm: t.realm,
      service: t.service,
      issuer: t.issuer,
      rootCertBundle: signer.certFile
    });
    // Docker Hub states the pull limit left on every manifest response.
    const hubHeaders = { 'RateLimit-Limit': ['100;w=21600'], 'RateLimit-Remaining': ['97;w=21600'] };
    const specs: { name: RegistryName; auth: RegistryAuth; extra: Partial<RegistryInfo>; headers?: Record<string, string[]> }[] = [
      { name: 'anonymous', auth: { kind: 'none' }, extra: {} },
      { name: 'htpasswd', auth: { kind: 'htpasswd', users: HTPASSWD_USERS }, extra: { users: HTPASSWD_USERS } },
      { name: 'token', auth: tokenAuth(tokenInfo), extra: { tokenServer: tokenInfo } },
      { name: 'dockerhub', auth: tokenAuth(hubInfo), extra: { tokenServer: hubInfo }, headers: hubHeaders },
      { name: 'ghcr', auth: tokenAuth(ghcrInfo), extra: { tokenServer: ghcrInfo } }
    ];
    const handles = await Promise.all(
      specs.map(async (s) => {
        const h = await startRegistry({ storageRoot, workDir: join(dir, s.name), auth: s.auth, headers: s.headers });
        live.registries.push(h);
        return h;
      })
    );
    const fixtures = await pushFixtures({ url: handles[0].url });

    const registries = {} as Record<RegistryName, RegistryInfo>;
    specs.forEach((s, i) => {
      const h = handles[i];
      registries[s.name] = {
        name: s.name,
        url: h.url,
        host: h.host,
        port: h.port,
        pid: h.pid,
        logFile: h.logFile,
        logStart: statSync(h.logFile).size,
        auth: s.auth.kind,
        ...s.extra
      };
    });
    const env: TestEnv = {
      dir,
      storageRoot,
      tokenCertFile: signer.certFile,
      registries,
      githubToken: GITHUB_TOKEN,
      fixtures,
      pids: handles.map((h) => h.pid),
      setupPid: process.pid
    };
    writeTestEnv(env);
    if (process.env.IMAGE_LOCK_TEST_ENV_VERBOSE) console.log(`\ntest env ready in ${Date.now() - started} ms: ${envFilePath()}`);
  } catch (e) {
    await stopLive(live);
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

export async function stopLive(live: LiveEnv): Promise<void> {
  await Promise.all([...live.registries.map((r) => r.stop()), ...live.tokenServers.map((t) => t.stop())]);
  live.registries = [];
  live.tokenServers = [];
}

/**
 * A run that crashed before its teardown leaves registries behind: stop those (only
 * processes whose command line shows they are our docker-registry) and drop their files.
 */
async function cleanUpPreviousRun(): Promise<void> {
  for (const name of readdirSync(tmpRoot())) {
    if (!/^test-env-\d+\.json$/.test(name)) continue;
    const file = join(tmpRoot(), name);
    const previous = JSON.parse(readFileSync(file, 'utf8')) as TestEnv;
    if (alive(previous.setupPid)) continue;
    await killRegistriesOf(previous);
    rmSync(previous.dir, { recursive: true, force: true });
    rmSync(file, { force: true });
  }
}

/** Kills the registries an environment file lists, checking each pid is still ours (pids get reused). */
export async function killRegistriesOf(env: TestEnv): Promise<void> {
  for (const pid of env.pids) {
    const cmd = cmdline(pid);
    if (alive(pid) && cmd.includes('docker-registry') && cmd.includes(env.dir)) await killPid(pid);
  }
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}
