// Runs azurite's blob service as a child process: the real blob store that the
// cache-service fixture hands out signed URLs for, so @actions/cache uploads with
// the real @azure/storage-blob client instead of against a mock.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Azurite's fixed development account (documented, public, not a secret).
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface Azurite {
  /** Account endpoint, e.g. http://127.0.0.1:41234/devstoreaccount1 (path-style: IP host). */
  accountUrl: string;
  stop(): Promise<void>;
}

// Closing our end of the child's stdin makes azurite exit at once. stop() uses it,
// and it also fires if the test process dies without calling stop(), so azurite
// never outlives it. (Azurite's own SIGTERM handler only closes the server and
// waits for the event loop to drain, which this stdin reader would prevent.)
const EXIT_ON_STDIN_EOF = 'data:text/javascript,process.stdin.on("end",()=>process.exit(0)).resume()';

export async function startAzurite(timeoutMs = 30_000): Promise<Azurite> {
  // Resolve the entry point rather than using node_modules/.bin so the same Node
  // that runs the tests runs azurite (3.35.0 is the last release allowing Node 20).
  // Resolved from the cwd, not import.meta: jest loads global set-up files through a
  // CommonJS transform, where import.meta does not exist.
  const main = createRequire(join(process.cwd(), 'index.js')).resolve('azurite/dist/src/blob/main.js');
  const location = await mkdtemp(join(tmpdir(), 'azurite-'));
  const child = spawn(
    process.execPath,
    [
      '--import',
      EXIT_ON_STDIN_EOF,
      main,
      '--blobHost',
      '127.0.0.1',
      // Port 0: the kernel picks a free port and azurite prints it, so there is no
      // window between probing for a free port and binding it.
      '--blobPort',
      '0',
      '--location',
      location,
      '--silent',
      // The SDK speaks a newer x-ms-version than azurite knows; accept it.
      '--skipApiVersionCheck',
      '--loose',
      // Azurite otherwise phones home (and logs DNS errors when offline).
      '--disableTelemetry'
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] }
  );
  try {
    const port = await waitForPort(child, timeoutMs);
    return {
      accountUrl: `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`,
      stop: async () => {
        await stopChild(child);
        await rm(location, { recursive: true, force: true });
      }
    };
  } catch (error) {
    await stopChild(child);
    await rm(location, { recursive: true, force: true });
    throw error;
  }
}

// Azurite logs "successfully listens on http://127.0.0.1:<port>" even with --silent.
function waitForPort(child: ChildProcess, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`azurite did not start: ${why}\n${output}`));
    };
    const timer = setTimeout(() => fail(`no listen message after ${timeoutMs} ms`), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listens on https?:\/\/[^:\s]+:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.off('exit', onExit);
        // Keep draining both pipes so a chatty azurite can never block on a full pipe.
        child.stdout?.off('data', onData).resume();
        child.stderr?.removeAllListeners('data').resume();
        resolve(Number(match[1]));
      }
    };
    const onExit = (code: number | null) => fail(`exited with code ${code}`);
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (error) => fail(error.message));
    child.once('exit', onExit);
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stdin?.end();
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
