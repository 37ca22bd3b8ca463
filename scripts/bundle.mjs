// Bundles each entry into its own dist folder with ncc, as SPEC lays them out.
// Usage: node scripts/bundle.mjs [out-dir]   (default: dist)
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';

const ncc = createRequire(import.meta.url).resolve('@vercel/ncc/dist/ncc/cli.js');
const out = process.argv[2] ?? 'dist';
const entries = { main: 'src/entries/main.ts', post: 'src/entries/post.ts', cli: 'src/entries/cli.ts' };
rmSync(out, { recursive: true, force: true });
for (const [name, source] of Object.entries(entries)) {
  execFileSync(process.execPath, [ncc, 'build', source, '-o', `${out}/${name}`, '--license', 'licenses.txt', '--quiet'], {
    stdio: 'inherit'
  });
}
