import { list, listExitCode, type ListReport } from '../commands/list.js';
import { parseCommandOptions } from '../commands/options.js';
import type { CliArgs } from './args.js';
import type { CliIo } from './run.js';

/** `image-lock list`: what would be locked, on stdout; the problems on stderr. */
export async function runList({ values }: CliArgs, io: CliIo): Promise<number> {
  const { cwd, files, exclude } = parseCommandOptions({ cwd: io.cwd, files: values.file, exclude: values.exclude });
  const report = await list({ cwd, files, exclude });
  const invalid = new Set(report.references.filter((entry) => !entry.reference).map((entry) => `${entry.file}:${entry.line}`));
  const diagnostics = report.problems.map(
    (problem) =>
      `${problem.file}:${problem.line}: ${invalid.has(`${problem.file}:${problem.line}`) ? 'error' : 'warning'}: ${problem.message}\n`
  );
  io.stderr(diagnostics.join(''));
  io.stdout(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatList(report));
  return listExitCode(report);
}

/** `file:line  kind  text` per reference, the normalised form after it when it differs. */
function formatList(report: ListReport): string {
  const rows = report.references.map((entry) => {
    const normalised = entry.reference === undefined ? ' (invalid)' : entry.reference !== entry.text ? `  ->  ${entry.reference}` : '';
    return [`${entry.file}:${entry.line}`, entry.kind, `${entry.text}${normalised}`];
  });
  const widths = [0, 1].map((column) => Math.max(0, ...rows.map((row) => row[column].length)));
  const lines = rows.map((row) => `${row[0].padEnd(widths[0])}  ${row[1].padEnd(widths[1])}  ${row[2]}`);
  const files = new Set(report.references.map((entry) => entry.file)).size;
  const count = report.references.length;
  lines.push(`${count} image reference${count === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}`);
  return `${lines.join('\n')}\n`;
}
