import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ActionRun {
  code: number;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
  /** The step's runner temporary folder: gone after the step (or the job), unless the caller gave it. */
  runnerTemp: string;
}

/**
 * Runs a bundled action entry (`dist/main` or `dist/post`) the way the runner does:
 * inputs as INPUT_* variables (only those given, so unset ones must mean their
 * default), outputs and summary through the files the runner provides. `prefix` runs
 * it elsewhere (a benchmark's `nsenter --net`, across a shaped link).
 */
export async function runAction(
  entry: 'main' | 'post',
  workspace: string,
  inputs: Record<string, string>,
  env: NodeJS.ProcessEnv = {},
  prefix: string[] = []
): Promise<ActionRun> {
  const files = await mkdtemp(join(tmpdir(), 'action-files-'));
  try {
    const outputFile = join(files, 'output');
    const summaryFile = join(files, 'summary');
    const stateFile = env.GITHUB_STATE ?? join(files, 'state');
    const runnerTemp = env.RUNNER_TEMP ?? files;
    // The runner creates the state file for every step, as it does the others.
    await Promise.all([writeFile(outputFile, ''), writeFile(summaryFile, ''), ...(env.GITHUB_STATE ? [] : [writeFile(stateFile, '')])]);
    const inputEnv = Object.fromEntries(
      Object.entries(inputs).map(([name, value]) => [`INPUT_${name.replace(/ /g, '_').toUpperCase()}`, value])
    );
    const [command, ...args] = [...prefix, process.execPath, join(process.cwd(), `dist/${entry}/index.js`)];
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(
        command,
        args,
        {
          cwd: workspace,
          env: {
            PATH: process.env.PATH,
            HOME: process.env.HOME,
            GITHUB_WORKSPACE: workspace,
            GITHUB_OUTPUT: outputFile,
            GITHUB_STEP_SUMMARY: summaryFile,
            GITHUB_STATE: stateFile,
            ...inputEnv,
            ...env,
            RUNNER_TEMP: runnerTemp
          }
        },
        (error, out) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout: out })
      );
    });
    const outputs = parseOutputs(await readFile(outputFile, 'utf8'));
    return { code, stdout, outputs, summary: await readFile(summaryFile, 'utf8'), runnerTemp };
  } finally {
    // A runner's temporary folder is emptied after each job: the layers a pull stored there go with it.
    await rm(files, { recursive: true, force: true });
  }
}

/** The runner's `name<<delimiter` file format. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const pattern = /^(.+?)<<(.+)\n([\s\S]*?)\n\2$/gm;
  for (const match of text.matchAll(pattern)) outputs[match[1]] = match[3]!;
  return outputs;
}

/** The runner hands the post step what the main step saved, as STATE_<name> variables. */
export function stateEnv(stateFile: string): Record<string, string> {
  const text = existsSync(stateFile) ? readFileSync(stateFile, 'utf8') : '';
  return Object.fromEntries([...text.matchAll(/^(.+?)<<(.+)\n([\s\S]*?)\n\2$/gm)].map((match) => [`STATE_${match[1]}`, match[3]]));
}

/** A job's two steps of the action: main with `inputs`, then post with what main saved; one runner temporary folder for both. */
export async function runJob(
  workspace: string,
  inputs: Record<string, string>,
  env: NodeJS.ProcessEnv
): Promise<{ main: ActionRun; post: ActionRun }> {
  const job = await mkdtemp(join(tmpdir(), 'action-job-'));
  try {
    const state = join(job, 'state');
    await Promise.all([writeFile(state, ''), mkdir(join(job, 'runner-temp'))]);
    const jobEnv = { RUNNER_TEMP: join(job, 'runner-temp'), ...env, GITHUB_STATE: state };
    const main = await runAction('main', workspace, inputs, jobEnv);
    const post = await runAction('post', workspace, {}, { ...jobEnv, ...stateEnv(state) });
    return { main, post };
  } finally {
    await rm(job, { recursive: true, force: true });
  }
}
