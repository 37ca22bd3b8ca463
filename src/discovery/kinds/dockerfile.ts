import { Collector } from '../collector.js';
import { readDockerfile, splitWords, type Instruction, type ShellWord } from '../dockerfile-syntax.js';
import { expand, type Dialect, type Lookup, type ValueSource } from '../expand.js';
import { Scope } from '../dockerfile-scope.js';
import { baseName, type FileKind } from '../file-kind.js';
import type { DiscoveryResult, ReferenceKind, TextSpan } from '../types.js';

/** Dockerfiles and Containerfiles, by name (`Dockerfile.*`, `*.dockerfile`) or, when named, by content. */
export const dockerfileKind: FileKind = {
  name: 'Dockerfile',
  patterns: ['**/Dockerfile', '**/Dockerfile.*', '**/*.Dockerfile', '**/*.dockerfile', '**/Containerfile', '**/Containerfile.*'],
  matchesPath: (path) => {
    const name = baseName(path);
    // `Dockerfile.dockerignore` is the ignore file of a Dockerfile, not a Dockerfile.
    if (name.endsWith('.dockerignore')) return false;
    return /^(Docker|Container)file(\..+)?$/i.test(name) || /\.(docker|container)file$/i.test(name);
  },
  matchesContent: (file) => !file.isYaml && looksLikeDockerfile(file.content),
  scan: (file) => parseDockerfile(file.path, file.content)
};

const INSTRUCTIONS = new Set(
  'ADD ARG CMD COPY ENTRYPOINT ENV EXPOSE FROM HEALTHCHECK LABEL MAINTAINER ONBUILD RUN SHELL STOPSIGNAL USER VOLUME WORKDIR'.split(' ')
);

/** Only Dockerfile instructions, a FROM before anything but ARGs, and FROMs BuildKit would accept. */
function looksLikeDockerfile(content: string): boolean {
  const { escape, instructions } = readDockerfile(content);
  const first = instructions.find((instruction) => instruction.keyword !== 'ARG');
  const validFrom = (instruction: Instruction) => {
    const words = splitWords(instruction.args, escape).filter((word) => !word.text.startsWith('--'));
    return words.length === 1 || (words.length === 3 && words[1].text.toLowerCase() === 'as');
  };
  return (
    first?.keyword === 'FROM' &&
    instructions.every((instruction) => INSTRUCTIONS.has(instruction.keyword) && (instruction.keyword !== 'FROM' || validFrom(instruction)))
  );
}

/**
 * BuildKit's predefined platform ARGs: set by every build, so known to exist, but their
 * values depend on the platform built for. `FROM binaries-$TARGETOS` names a stage.
 */
const PLATFORM_ARGS = new Set([
  'TARGETPLATFORM',
  'TARGETOS',
  'TARGETARCH',
  'TARGETVARIANT',
  'BUILDPLATFORM',
  'BUILDOS',
  'BUILDARCH',
  'BUILDVARIANT'
]);
/** Stands for a platform ARG's value in an expansion, so what depends on it can be told apart. */
const PLATFORM_VALUE = '\u0000';

/**
 * Image references in a Dockerfile: the `# syntax=` frontend, `FROM` (with `--platform`),
 * `COPY --from=<image>` and `RUN --mount=...,from=<image>`, with ARG (and, inside a stage,
 * ENV) values expanded the way BuildKit expands them, using defaults since build
 * arguments are not known here. Stage names and indexes are not images.
 */
export function parseDockerfile(file: string, content: string): DiscoveryResult {
  const syntax = readDockerfile(content);
  const scan = new DockerfileScan(file, syntax.escape, syntax.instructions);
  for (const problem of syntax.problems) scan.collector.problem(problem.line, problem.message);
  if (syntax.syntax) {
    const { value, span } = syntax.syntax;
    scan.collector.image('dockerfile-syntax', value, span.line, { edit: span });
  }
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
    this.collector = new Collector(file);
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
        if (from) this.reference('dockerfile-copy-from', instruction, from.start, from.value);
        break;
      }
      case 'RUN':
        for (const flag of flags) {
          const from = /^--mount=/i.test(flag.text) ? mountSource(flag) : undefined;
          if (from) this.reference('dockerfile-mount-from', instruction, from.start, from.value);
        }
        break;
    }
  }

  private from(instruction: Instruction, flags: ShellWord[], base: ShellWord | undefined): void {
    if (base) {
      const platform = flagValue(flags, 'platform');
      const expanded = platform && expand(platform.value, this.globals.lookup, this.dialect);
      const platformValue = expanded?.ok ? expanded.value : undefined;
      this.image('dockerfile-from', instruction, base.start, base.text, this.globals, this.earlierStages, platformValue);
    } else {
      this.collector.problem(instruction.line, 'FROM without an image');
    }
    const name = this.stageNameOf(instruction);
    if (name) this.earlierStages.add(name);
    this.stage = new Scope();
  }

  /** `COPY --from` and `RUN --mount=...,from=`: an image unless it names a stage or a stage index. */
  private reference(kind: ReferenceKind, instruction: Instruction, start: number, written: string): void {
    if (this.stage) this.image(kind, instruction, start, written, this.stage, this.allStages);
  }

  /** The reference `written` at offset `start` of the instruction's arguments. */
  private image(
    kind: ReferenceKind,
    instruction: Instruction,
    start: number,
    written: string,
    scope: Scope,
    stages: ReadonlySet<string>,
    platform?: string
  ): void {
    const at = instruction.at(start);
    // A Dockerfile that is itself a template (cookiecutter, Jinja): filled in before any build.
    if (/\{\{|\{%/.test(written)) return this.collector.problem(at.line, `cannot resolve the template in "${written}"`);
    const expansion = expand(written, withPlatformArgs(scope.lookup), this.dialect);
    if (!expansion.ok) {
      this.collector.problem(at.line, `cannot expand "${written}": ${expansion.error}`);
      return;
    }
    const name = expansion.value.toLowerCase();
    // `--from=<index>` names a stage by its index; `FROM` cannot.
    if (name === '' || stages.has(name) || (kind !== 'dockerfile-from' && /^\d+$/.test(name))) return;
    if (name.includes(PLATFORM_VALUE)) {
      if (!namesAStage(name, stages)) this.collector.problem(at.line, `"${written}" depends on the platform being built for`);
      return;
    }
    const edit = editOf(expansion.source, instruction, start, scope);
    this.collector.image(kind, expansion.value, at.line, { edit, platform: platform || undefined });
  }

  /** The stage name of `FROM image AS name`, lower-cased as BuildKit compares them. */
  private stageNameOf(instruction: Instruction): string | undefined {
    if (instruction.keyword !== 'FROM') return undefined;
    const words = splitWords(instruction.args, this.escape).filter((word) => !word.text.startsWith('--'));
    return words.length >= 3 && words[1].text.toLowerCase() === 'as' ? words[2].text.toLowerCase() : undefined;
  }
}

/** A lookup where BuildKit's platform ARGs, unless given a value, stand for any platform's. */
function withPlatformArgs(lookup: Lookup): Lookup {
  return (name) => lookup(name) ?? (PLATFORM_ARGS.has(name) ? PLATFORM_VALUE : undefined);
}

/** Whether some platform's values make `name` (holding platform placeholders) one of the stages. */
function namesAStage(name: string, stages: ReadonlySet<string>): boolean {
  const pattern = new RegExp(`^${name.split(PLATFORM_VALUE).map(escapeRegExp).join('[a-z0-9_.-]*')}$`);
  return [...stages].some((stage) => pattern.test(stage));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
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
