// Bundles each entry into its own dist folder with ncc, as SPEC lays them out.
// Usage: node scripts/bundle.mjs [out-dir]   (default: dist)
// The entries build side by side: each is its own ncc process, and none fills both cores.
// ncc type-checks what each entry reaches (a type error fails the build), so no separate
// tsc pass here; `npm run typecheck` and the test command check the tests too.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';

const ncc = createRequire(import.meta.url).resolve('@vercel/ncc/dist/ncc/cli.js');
const out = process.argv[2] ?? 'dist';
const entries = { main: 'src/entries/main.ts', post: 'src/entries/post.ts', cli: 'src/entries/cli.ts' };
rmSync(out, { recursive: true, force: true });
const codes = await Promise.all(
  Object.entries(entries).map(async ([name, source]) => {
    const build = spawn(process.execPath, [ncc, 'build', source, '-o', `${out}/${name}`, '--license', 'licenses.txt', '--quiet'], {
      stdio: 'inherit'
    });
    const [code] = await once(build, 'close');
    return code;
  })
);
const failed = codes.findIndex((code) => code !== 0);
if (failed !== -1) {
  console.error(`ncc build of ${Object.values(entries)[failed]} exited ${codes[failed]}`);
  process.exit(1);
}
