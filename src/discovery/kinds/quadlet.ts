import { Collector } from '../collector.js';
import { baseName, type FileKind } from '../file-kind.js';
import { isTemplated } from './templated.js';

/** The unit sections whose `Image=` names an image: a container, an image to pull, an image-backed volume. */
const IMAGE_SECTIONS = new Set(['Container', 'Image', 'Volume']);

/** `*.container` says what it is; `.image` and `.volume` only where Quadlet looks for units (checked by path, as globs under a folder cost a large tree's scan a third more). */
const UNIT_PATH = /(^|\/)(containers\/systemd|quadlets?)\//;

/**
 * Podman Quadlet units: `Image=` in `[Container]`, `[Image]` and `[Volume]` sections (systemd's
 * INI: `#` and `;` comments, a trailing `\` continues a line). A value ending in `.image` or
 * `.build` names another Quadlet unit, not an image; one in quotes is read inside them.
 */
export const quadletKind: FileKind = {
  name: 'Podman Quadlet unit',
  patterns: ['**/*.container', '**/*.image', '**/*.volume'],
  matchesPath: (path) => /\.container$/.test(baseName(path)) || (/\.(image|volume)$/.test(baseName(path)) && UNIT_PATH.test(path)),
  matchesContent: (file) => /^\s*\[(Container|Image)\]\s*$/m.test(file.content) && /^\s*Image\s*=/m.test(file.content),
  scan: (file) => {
    const collector = new Collector(file.path);
    const lines = file.content.split('\n');
    let section = '';
    for (let index = 0; index < lines.length; index++) {
      const line = lines[index].replace(/\r$/, '');
      const header = /^\s*\[([^\]]*)\]\s*$/.exec(line);
      if (header) section = header[1];
      const entry = /^(\s*Image\s*=\s*)(.*?)\s*$/.exec(line);
      // A continued line is not one reference written in one place: its first part is not an image.
      if (!entry || !IMAGE_SECTIONS.has(section) || entry[2].endsWith('\\')) continue;
      const quoted = /^(["'])(.*)\1$/.exec(entry[2]);
      const value = quoted ? quoted[2] : entry[2];
      if (value === '' || /\.(image|build)$/.test(value)) continue;
      const column = entry[1].length + (quoted ? 2 : 1);
      if (isTemplated(value)) collector.problem(index + 1, `cannot resolve the variable in "${value}"`);
      else if (value.includes('%')) collector.problem(index + 1, `cannot resolve the systemd specifier in "${value}"`);
      else collector.image('quadlet-image', value, index + 1, { edit: { line: index + 1, column, length: value.length } });
    }
    return collector.done();
  }
};
