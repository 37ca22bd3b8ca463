import { Collector } from './collector.js';
import { readDockerfile, splitWords, type Instruction, type ShellWord } from './dockerfile-syntax.js';
import { expand, type Dialect, type ValueSource } from './expand.js';
import { Scope } from './dockerfile-scope.js';
import type { DiscoveryResult, TextSpan } from './types.js';

/**
 * Image references in a Dockerfile: `FROM` (with `--platform`), `COPY --from=<image>` and
 * `RUN --mount=...,from=<image>`, with ARG (and, inside a stage, ENV) values expanded the
 * way BuildKit expands them, using defaults since build arguments are not known here.
 * Stage names and indexes are not images.
 */
export function parseDockerfile(file: string, content: string): DiscoveryResult {
  const syntax = readDockerfile(content);
  const scan = new DockerfileScan(file, syntax.escape, syntax.instructions);
  for (const problem of syntax.problems) scan.collector.problem(problem.line, problem.message);
  for (const instruction of syntax.instructions) scan.visit(instruction);
  return scan.collector.done();
}

class DockerfileScan {
  readonly collector: Collector;
  private readonly dialect: Dialect;
  private readonly globals = new Scope();
  /** The current stage's variables; undefined before the first FROM. */
  private stage: Scope | undefined;
  /** `FROM <name>` refers to a stage only when an earlier stage has that name. */
  private readonly earlierStages = new Set<string>();
  /** `--from=<name>` may name any stage. */
  private readonly allStages: Set<string>;

  constructor(
    file: string,
    private readonly escape: string,
    instructions: Instruction[]
  ) {
    this.collector = new Collector(file, 'dockerfile');
    this.dialect = { kind: 'dockerfile', escape };
    this.allStages = new Set(instructions.flatMap((instruction) => this.stageNameOf(instruction) ?? []));
  }

  visit(instruction: Instruction): void {
    const words = splitWords(instruction.args, this.escape);
    const flagCount = words.findIndex((word) => !word.text.startsWith('--'));
    const flags = flagCount === -1 ? words : words.slice(0, flagCount);
    switch (instruction.keyword) {
      case 'ARG':
        for (const word of words) {
          (this.stage ?? this.globals).declareArg(word, instruction, this.dialect, this.stage && this.globals);
        }
        break;
      case 'ENV':
        this.stage?.declareEnv(words, instruction, this.dialect);
        break;
      case 'FROM':
        this.from(instruction, flags, words[flags.length]);
        break;
      case 'COPY': {
        const from = flagValue(flags, 'from');
        if (from) this.reference(instruction, from.start, from.value);
        break;
      }
      case 'RUN':
        for (const flag of flags) {
          const from = /^--mount=/i.test(flag.text) ? mountSource(flag) : undefined;
          if (from) this.reference(instruction, from.start, from.value);
        }
        break;
    }
  }

  private from(instruction: Instruction, flags: ShellWord[], base: ShellWord | undefined): void {
    if (base) {
      const platform = flagValue(flags, 'platform');
      const expanded = platform && expand(platform.value, this.globals.lookup, this.dialect);
      const isStage = (name: string) => this.earlierStages.has(name);
      this.image(instruction, base.start, base.text, this.globals, isStage, expanded?.ok ? expanded.value : undefined);
    } else {
      this.collector.problem(instruction.line, 'FROM without an image');
    }
    const name = this.stageNameOf(instruction);
    if (name) this.earlierStages.add(name);
    this.stage = new Scope();
  }

  /** `COPY --from` and `RUN --mount=...,from=`: an image unless it names a stage or a stage index. */
  private reference(instruction: Instruction, start: number, written: string): void {
    const isStage = (name: string) => /^\d+$/.test(name) || this.allStages.has(name);
    if (this.stage) this.image(instruction, start, written, this.stage, isStage);
  }

  /** The reference `written` at offset `start` of the instruction's arguments. */
  private image(
    instruction: Instruction,
    start: number,
    written: string,
    scope: Scope,
    isStage: (name: string) => boolean,
    platform?: string
  ): void {
    const at = instruction.at(start);
    const expansion = expand(written, scope.lookup, this.dialect);
    if (!expansion.ok) {
      this.collector.problem(at.line, `cannot expand "${written}": ${expansion.error}`);
      return;
    }
    if (expansion.value === '' || isStage(expansion.value.toLowerCase())) return;
    const edit = editOf(expansion.source, instruction, start, scope);
    this.collector.image(expansion.value, at.line, { edit, platform: platform || undefined });
  }

  /** The stage name of `FROM image AS name`, lower-cased as BuildKit compares them. */
  private stageNameOf(instruction: Instruction): string | undefined {
    if (instruction.keyword !== 'FROM') return undefined;
    const words = splitWords(instruction.args, this.escape).filter((word) => !word.text.startsWith('--'));
    return words.length >= 3 && words[1].text.toLowerCase() === 'as' ? words[2].text.toLowerCase() : undefined;
  }
}

/** Where the expanded reference can be rewritten: its literal text, or the ARG default it came from. */
function editOf(source: ValueSource | undefined, instruction: Instruction, wordStart: number, scope: Scope): TextSpan | undefined {
  if (source?.kind === 'variable') return scope.originOf(source.name);
  if (source?.kind === 'literal') return instruction.span(wordStart + source.start, source.end - source.start);
  return undefined;
}

/** A flag's value: where it starts in the instruction's arguments, and its text as written. */
interface FlagValue {
  start: number;
  value: string;
}

/** `--name=value` among the leading flags (BuildKit accepts no other form). */
function flagValue(flags: ShellWord[], name: string): FlagValue | undefined {
  const prefix = `--${name}=`;
  const word = flags.find((flag) => flag.text.toLowerCase().startsWith(prefix));
  return word && { start: word.start + prefix.length, value: word.text.slice(prefix.length) };
}

/** The `from=` option of a `--mount=...` flag (its options are comma-separated). */
function mountSource(flag: ShellWord): FlagValue | undefined {
  let offset = '--mount='.length;
  for (const field of flag.text.slice(offset).split(',')) {
    if (/^from=/i.test(field)) return { start: flag.start + offset + 'from='.length, value: field.slice('from='.length) };
    offset += field.length + 1;
  }
  return undefined;
}
