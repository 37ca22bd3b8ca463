import type { TextSpan } from './types.js';

/**
 * The line structure of a Dockerfile, read the way BuildKit's parser reads it: parser
 * directives at the top (`# escape=` changes the escape character), comment and blank
 * lines, continuation lines joined without a separator, and here-document bodies, which
 * belong to their RUN/COPY/ADD and are never instructions themselves.
 */
export interface Position {
  line: number;
  column: number;
}

export interface Instruction {
  /** The instruction keyword, upper-cased (instructions are case-insensitive). */
  keyword: string;
  /** What follows the keyword, continuation lines joined as BuildKit joins them. */
  args: string;
  line: number;
  /** Where the character at `offset` in `args` stands in the file. */
  at(offset: number): Position;
  /** Where `length` characters at `offset` in `args` stand, if on one line (a continuation can split them). */
  span(offset: number, length: number): TextSpan | undefined;
}

export interface DockerfileSyntax {
  escape: string;
  /** The `# syntax=` directive: the BuildKit frontend image the file is built with. */
  syntax?: { value: string; span: TextSpan };
  instructions: Instruction[];
  problems: { line: number; message: string }[];
}

export interface ShellWord {
  /** The word as written, quotes and escapes included. */
  text: string;
  /** Its offset in the text it was split from. */
  start: number;
}

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/d;
const KNOWN_DIRECTIVES = new Set(['syntax', 'escape', 'check']);
const HEREDOC = /^\d*<<(-?)([^<]*)$/;
const HEREDOC_INSTRUCTIONS = new Set(['RUN', 'COPY', 'ADD']);

export function readDockerfile(content: string): DockerfileSyntax {
  const lines = content.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  const syntax: DockerfileSyntax = { escape: '\\', instructions: [], problems: [] };
  const seenDirectives = new Set<string>();
  let readingDirectives = true;
  let index = 0;
  while (index < lines.length) {
    const lineNumber = index + 1;
    const line = lines[index++];
    // trimStart also removes a byte-order mark, which BuildKit strips from the first line.
    const text = line.trimStart();
    if (readingDirectives) {
      const directive = DIRECTIVE.exec(text);
      const key = directive?.[1]!.toLowerCase();
      if (directive && key !== undefined && KNOWN_DIRECTIVES.has(key) && !seenDirectives.has(key)) {
        seenDirectives.add(key);
        if (key === 'escape') setEscape(syntax, directive[2], lineNumber);
        if (key === 'syntax') {
          const column = line.length - text.length + directive.indices![2][0] + 1;
          syntax.syntax = { value: directive[2], span: { line: lineNumber, column, length: directive[2].length } };
        }
        continue;
      }
      readingDirectives = false;
    }
    if (text === '' || text.startsWith('#')) continue;

    const logical = new LogicalLine();
    let continues = logical.add(text, lineNumber, line.length - text.length + 1, syntax.escape);
    while (continues && index < lines.length) {
      const next = lines[index++];
      const trimmed = next.trimStart();
      // Comment and blank lines inside a continued instruction are dropped.
      if (trimmed === '' || trimmed.startsWith('#')) continue;
      continues = logical.add(next, index, 1, syntax.escape);
    }
    const instruction = logical.toInstruction(lineNumber);
    syntax.instructions.push(instruction);
    for (const heredoc of heredocsOf(instruction, syntax.escape)) {
      const end = heredocEnd(lines, index, heredoc);
      if (end === undefined) {
        syntax.problems.push({ line: lineNumber, message: `unterminated here-document "${heredoc.name}"` });
        index = lines.length;
      } else {
        index = end + 1;
      }
    }
  }
  return syntax;
}

function setEscape(syntax: DockerfileSyntax, value: string, line: number): void {
  if (value === '\\' || value === '`') syntax.escape = value;
  else syntax.problems.push({ line, message: `invalid escape directive "${value}": expected \\ or \`` });
}

/** One instruction's text with the file position of every character. */
class LogicalLine {
  private text = '';
  private readonly positions: Position[] = [];

  /** Appends a physical line; tells whether it ends with the continuation character. */
  add(line: string, lineNumber: number, firstColumn: number, escape: string): boolean {
    // BuildKit: `([^E])E[ \t]*$|^E[ \t]*$`, E being the escape character.
    const match = /[ \t]*$/.exec(line)!;
    const beforeSpace = line.slice(0, match.index);
    const continues = beforeSpace.endsWith(escape) && !beforeSpace.endsWith(escape + escape);
    const kept = continues ? beforeSpace.slice(0, -1) : line;
    for (let i = 0; i < kept.length; i++) this.positions.push({ line: lineNumber, column: firstColumn + i });
    this.text += kept;
    return continues;
  }

  toInstruction(line: number): Instruction {
    const keyword = /^\S*/.exec(this.text)![0];
    const argsStart = keyword.length + /^\s*/.exec(this.text.slice(keyword.length))![0].length;
    const positions = this.positions;
    const at = (offset: number) => positions[argsStart + offset] ?? positions.at(-1) ?? { line, column: 1 };
    const span = (offset: number, length: number) => {
      const first = at(offset);
      const last = at(offset + length - 1);
      const contiguous = length > 0 && first.line === last.line && last.column - first.column === length - 1;
      return contiguous ? { line: first.line, column: first.column, length } : undefined;
    };
    return { keyword: keyword.toUpperCase(), args: this.text.slice(argsStart).trimEnd(), line, at, span };
  }
}

interface Heredoc {
  name: string;
  /** `<<-`: leading tabs are stripped, also from the terminator line. */
  chomp: boolean;
}

function heredocsOf(instruction: Instruction, escape: string): Heredoc[] {
  let { keyword, args } = instruction;
  if (keyword === 'ONBUILD') {
    keyword = /^\S*/.exec(args)![0].toUpperCase();
    args = args.slice(keyword.length);
  }
  // The JSON (exec) form has no here-documents.
  if (!HEREDOC_INSTRUCTIONS.has(keyword) || args.trimStart().startsWith('[')) return [];
  const heredocs: Heredoc[] = [];
  for (const word of splitWords(args, escape)) {
    const match = HEREDOC.exec(word.text);
    const name = match?.[2]!.replace(/["']/g, '');
    if (match && name) heredocs.push({ name, chomp: match[1] === '-' });
  }
  return heredocs;
}

/** The index of the line closing the here-document whose body starts at `from`. */
function heredocEnd(lines: string[], from: number, heredoc: Heredoc): number | undefined {
  for (let index = from; index < lines.length; index++) {
    const line = heredoc.chomp ? lines[index].replace(/^\t+/, '') : lines[index];
    if (line === heredoc.name) return index;
  }
  return undefined;
}

/** Splits at whitespace outside quotes, as the shell would, keeping each word as written. */
export function splitWords(text: string, escape: string): ShellWord[] {
  const words: ShellWord[] = [];
  let start = -1;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote === undefined && /\s/.test(ch)) {
      if (start !== -1) words.push({ text: text.slice(start, i), start });
      start = -1;
      continue;
    }
    if (start === -1) start = i;
    if (ch === escape && quote !== "'") i++;
    else if (ch === quote) quote = undefined;
    else if (quote === undefined && (ch === '"' || ch === "'")) quote = ch;
  }
  if (start !== -1) words.push({ text: text.slice(start), start });
  return words;
}
