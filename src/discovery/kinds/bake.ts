import { findNodeAtLocation, parseTree, type Node, type ParseError } from 'jsonc-parser';
import { Collector } from '../collector.js';
import { expand, type Lookup } from '../expand.js';
import { baseName, dirName, type FileKind, type Repository, type SourceFile } from '../file-kind.js';
import { LineIndex } from '../line-index.js';
import { parseHcl, type HclBlock, type HclBody, type HclValue } from '../hcl.js';
import type { ReferenceKind } from '../types.js';

const DOCKER_IMAGE = 'docker-image://';

/**
 * Docker Bake files (`docker-bake.hcl`, `docker-bake.json`, their `.override` files): a
 * target's `contexts` of the form `docker-image://<ref>`, and its `args` that are the whole
 * image of a `FROM` in the target's Dockerfile (`args = {BASE = "alpine:3.20"}` for
 * `FROM ${BASE}`), reported on the Bake file's line where the value is written, which is
 * what pin rewrites. `${VAR}` takes the environment, else the `variable` block's default.
 */
export const bakeKind: FileKind = {
  name: 'Docker Bake file',
  patterns: ['**/docker-bake*.hcl', '**/docker-bake*.json'],
  matchesPath: (path) => /^docker-bake.*\.(hcl|json)$/i.test(baseName(path)),
  scan: async (file, repository) => {
    const collector = new Collector(file.path);
    const lines = new LineIndex(file.content);
    const { body, problem } = file.path.endsWith('.json') ? jsonBody(file.content) : parseHcl(file.content);
    if (problem) collector.problem(lines.position(problem.offset).line, problem.message);
    const variables = new Map<string, string>();
    for (const block of body.blocks.filter((one) => one.type === 'variable' && one.labels[0])) {
      const fallback = block.body.attributes.get('default');
      if (fallback?.type === 'string') variables.set(block.labels[0], fallback.value);
    }
    const lookup: Lookup = (name) => repository.env[name] ?? variables.get(name);
    const add = (kind: ReferenceKind, value: Extract<HclValue, { type: 'string' }>, offset: number) => {
      const place = lines.position(value.start + offset);
      const written = value.value.slice(offset);
      if (value.verbatim) {
        return collector.image(kind, written, place.line, { edit: { line: place.line, column: place.column, length: written.length } });
      }
      // HCL's `${NAME}` and `$${` read as Compose's `${NAME}` and `$$`.
      const expansion = expand(written, lookup, { kind: 'compose' });
      if (!expansion.ok) return collector.problem(place.line, `cannot expand "${value.value}": ${expansion.error}`);
      collector.image(kind, expansion.value, place.line, { unpinnable: NOT_VERBATIM });
    };
    for (const target of body.blocks.filter((block) => block.type === 'target')) {
      for (const [, value] of entries(target.body.attributes.get('contexts'))) {
        if (value.type === 'string' && value.value.startsWith(DOCKER_IMAGE)) add('bake-context', value, DOCKER_IMAGE.length);
      }
      const args = entries(target.body.attributes.get('args'));
      if (args.length === 0) continue;
      const froms = await fromArguments(target, file, repository, lookup);
      for (const [name, value] of args) if (value.type === 'string' && froms.has(name)) add('bake-arg', value, 0);
    }
    return collector.done();
  }
};

const NOT_VERBATIM = 'its value is built from variables or escapes in the Bake file';

function entries(value: HclValue | undefined): [string, HclValue][] {
  return value?.type === 'object' ? value.entries : [];
}

/** The build arguments that are the whole image of a `FROM` in the target's Dockerfile (or `dockerfile-inline`). */
async function fromArguments(target: HclBlock, file: SourceFile, repository: Repository, lookup: Lookup): Promise<Set<string>> {
  const text = (name: string) => {
    const value = target.body.attributes.get(name);
    return value?.type === 'string' ? (expand(value.value, lookup, { kind: 'compose' }) as { value?: string }).value : undefined;
  };
  // As written: its `${NAME}`s are the build arguments looked for, not Bake variables.
  const inlineValue = target.body.attributes.get('dockerfile-inline');
  const inline = inlineValue?.type === 'string' ? inlineValue.value : undefined;
  const context = text('context') ?? '.';
  const path = [dirName(file.path), context, text('dockerfile') ?? 'Dockerfile']
    .join('/')
    .split('/')
    .reduce<string[]>((parts, part) => (part === '..' ? parts.slice(0, -1) : part === '.' || part === '' ? parts : [...parts, part]), [])
    .join('/');
  const dockerfile = inline ?? (await repository.readText(path)) ?? '';
  const used = new Set<string>();
  for (const line of dockerfile.split('\n')) {
    const [instruction, ...words] = line.trim().split(/\s+/);
    if (instruction?.toUpperCase() !== 'FROM') continue;
    // Only an argument that is the whole image: in `golangci-${FLAG}` or `xx:${VERSION}` its value is no image.
    const image = words.find((word) => !word.startsWith('--')) ?? '';
    const whole = /^\$(?:\{([A-Za-z_]\w*)(?::?-[^}]*)?\}|([A-Za-z_]\w*))$/.exec(image);
    if (whole) used.add(whole[1] ?? whole[2]);
  }
  return used;
}

/** docker-bake.json in the shape `parseHcl` gives: `target` and `variable` objects become blocks. */
function jsonBody(content: string): ReturnType<typeof parseHcl> {
  const body: HclBody = { attributes: new Map(), blocks: [] };
  const errors: ParseError[] = [];
  const root = parseTree(content, errors, { allowTrailingComma: true });
  if (!root || root.type !== 'object') return { body, problem: { offset: 0, message: 'not a JSON object' } };
  for (const type of ['target', 'variable']) {
    for (const entry of findNodeAtLocation(root, [type])?.children ?? []) {
      const [key, value] = entry.children ?? [];
      if (typeof key?.value !== 'string' || value?.type !== 'object') continue;
      const block: HclBlock = { type, labels: [key.value], start: entry.offset, body: { attributes: new Map(), blocks: [] } };
      for (const attribute of value.children ?? []) {
        const [name, attributeValue] = attribute.children ?? [];
        if (typeof name?.value === 'string' && attributeValue) block.body.attributes.set(name.value, jsonValue(content, attributeValue));
      }
      body.blocks.push(block);
    }
  }
  return errors.length > 0 ? { body, problem: { offset: errors[0].offset, message: 'the JSON does not parse from here on' } } : { body };
}

function jsonValue(content: string, node: Node): HclValue {
  if (node.type === 'string') {
    const raw = content.slice(node.offset + 1, node.offset + node.length - 1);
    return { type: 'string', value: node.value as string, start: node.offset + 1, verbatim: raw === node.value && !/[$%]\{/.test(raw) };
  }
  if (node.type === 'object') {
    const pairs = (node.children ?? []).flatMap((pair) => {
      const [key, value] = pair.children ?? [];
      return typeof key?.value === 'string' && value ? [[key.value, jsonValue(content, value)] as [string, HclValue]] : [];
    });
    return { type: 'object', entries: pairs };
  }
  if (node.type === 'array') return { type: 'list', items: (node.children ?? []).map((child) => jsonValue(content, child)) };
  return { type: 'other' };
}
