// What a benchmark ran on, so recorded figures can be compared with a rerun elsewhere:
// the same facts `nproc`, `free -h`, `node --version` and /proc/cpuinfo give.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';

export interface MachineFacts {
  cpuModel: string;
  /** CPUs this process may use: the count `nproc` prints. */
  nproc: number;
  /** The `Mem:` row of `free -h`, or total memory when `free` is missing. */
  memory: string;
  node: string;
  kernel: string;
  /** 1, 5 and 15 minute load averages: other work on the machine skews timings. */
  load: string;
}

function machineFacts(): MachineFacts {
  return {
    cpuModel: cpuModel(),
    nproc: availableParallelism(),
    memory: freeMemLine() ?? `${(totalmem() / 2 ** 30).toFixed(1)} GiB total`,
    node: process.version,
    kernel: `${process.platform} ${release()}`,
    load: loadavg()
      .map((value) => value.toFixed(2))
      .join(' ')
  };
}

/**
 * A benchmark's result in Markdown: what was measured, the table, notes on it, then the
 * machine it ran on (after `machineLead`, a last note that runs into it).
 */
export function benchReport(report: { intro: string[]; table: string; notes: string[]; machineLead?: string }): string {
  const lead = report.machineLead ? `${report.machineLead} Machine:` : 'Machine:';
  return ['', ...report.intro, '', report.table, '', ...report.notes, '', lead, formatMachineFacts(machineFacts()), ''].join('\n');
}

/** One line per fact, as a Markdown list. */
function formatMachineFacts(facts: MachineFacts): string {
  return [
    `- CPU: ${facts.cpuModel} (nproc ${facts.nproc})`,
    `- Memory (free -h): ${facts.memory}`,
    `- Node: ${facts.node}`,
    `- Kernel: ${facts.kernel}`,
    `- Load average (1, 5, 15 min): ${facts.load}`
  ].join('\n');
}

function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match) return match[1].trim();
  } catch {
    // not Linux: fall back to what Node reports
  }
  return cpus()[0]?.model ?? 'unknown';
}

/** `free -h`'s Mem: row paired with its headings, e.g. `total 23Gi, used 782Mi, ...`. */
function freeMemLine(): string | undefined {
  try {
    const [header, mem] = execFileSync('free', ['-h'], { encoding: 'utf8' }).split('\n');
    const titles = header?.trim().split(/\s+/) ?? [];
    const values = mem?.trim().split(/\s+/).slice(1) ?? [];
    return titles.map((title, i) => `${title} ${values[i] ?? '?'}`).join(', ');
  } catch {
    return undefined;
  }
}
