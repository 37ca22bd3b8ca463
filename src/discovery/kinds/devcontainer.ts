import { findNodeAtLocation, parseTree, type ParseError } from 'jsonc-parser';
import { Collector } from '../collector.js';
import type { FileKind } from '../file-kind.js';
import { isTemplated } from './templated.js';

/** Dev containers: `image` in `devcontainer.json`, which is JSON with comments and trailing commas. */
export const devcontainerKind: FileKind = {
  name: 'dev container configuration',
  patterns: ['**/.devcontainer/devcontainer.json', '**/.devcontainer/*/devcontainer.json', '**/.devcontainer.json'],
  matchesPath: (path) => /(^|\/)(\.devcontainer\/([^/]+\/)?devcontainer|\.devcontainer)\.json$/.test(path),
  scan: (file) => {
    const collector = new Collector(file.path);
    const { content } = file;
    const lineStarts = [0];
    for (let i = content.indexOf('\n'); i !== -1; i = content.indexOf('\n', i + 1)) lineStarts.push(i + 1);
    const position = (offset: number) => {
      let line = lineStarts.length;
      while (lineStarts[line - 1] > offset) line--;
      return { line, column: offset - lineStarts[line - 1] + 1 };
    };
    const errors: ParseError[] = [];
    const tree = parseTree(content, errors, { allowTrailingComma: true, disallowComments: false });
    if (errors.length > 0) {
      collector.problem(position(errors[0].offset).line, 'invalid JSON: cannot read the dev container configuration');
    }
    const image = tree && findNodeAtLocation(tree, ['image']);
    if (image?.type === 'string' && typeof image.value === 'string') {
      const at = position(image.offset);
      // The span is the text between the quotes, when it holds the value verbatim (no escapes).
      const verbatim = content.slice(image.offset + 1, image.offset + image.length - 1) === image.value;
      const edit = verbatim && image.value !== '' ? { line: at.line, column: at.column + 1, length: image.value.length } : undefined;
      if (isTemplated(image.value)) collector.problem(at.line, `cannot resolve the variable in "${image.value}"`);
      else collector.image('devcontainer-image', image.value, at.line, { edit });
    }
    return collector.done();
  }
};
