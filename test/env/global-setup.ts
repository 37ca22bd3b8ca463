// jest globalSetup. Jest loads this file outside its module system: moduleNameMapper does
// not apply, so a NodeNext import such as './setup.js' would not find setup.ts. This file
// therefore has no relative imports: it transpiles test/env/*.ts to ESM JavaScript under
// .tmp/env-build with the TypeScript compiler and imports the set-up from there.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

interface ProjectConfig {
  rootDir: string;
}

export default async function globalSetup(_globalConfig: unknown, projectConfig: ProjectConfig): Promise<void> {
  const root = projectConfig.rootDir;
  const buildDir = join(root, '.tmp', `env-build-${process.pid}`);
  transpileEnv(join(root, 'test', 'env'), buildDir);
  // The set-up, teardown and test workers all find the repository through this.
  process.env.IMAGE_LOCK_REPO_ROOT = root;
  process.env.IMAGE_LOCK_ENV_BUILD = buildDir;
  process.env.IMAGE_LOCK_TEST_ENV_FILE = join(root, '.tmp', `test-env-${process.pid}.json`);
  const setup = (await import(pathToFileURL(join(buildDir, 'setup.js')).href)) as { setUp(): Promise<void> };
  await setup.setUp();
}

/** Transpiles (no type-check: tsc --noEmit does that) every module of test/env. */
function transpileEnv(srcDir: string, outDir: string): void {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'package.json'), '{ "type": "module" }\n');
  for (const name of readdirSync(srcDir)) {
    if (!name.endsWith('.ts') || name.endsWith('.d.ts') || name.startsWith('global-')) continue;
    const out = ts.transpileModule(readFileSync(join(srcDir, name), 'utf8'), {
      fileName: name,
      compilerOptions: {
        module: ts.ModuleKind.ES2022,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
        verbatimModuleSyntax: false
      }
    });
    writeFileSync(join(outDir, name.replace(/\.ts$/, '.js')), out.outputText);
  }
}
