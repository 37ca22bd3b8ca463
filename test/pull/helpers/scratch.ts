// Scratch folders under .tmp that the test file removes when it is done: stores and
// layers of tens of megabytes should not pile up run after run.
import { rmSync } from 'node:fs';
import { makeTempDir } from '../../env/paths.js';

/** Registers an afterAll clean-up; returns a maker of fresh folders named `<prefix>-...`. */
export function scratchDirs(): (prefix: string) => string {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });
  return (prefix) => {
    const dir = makeTempDir(prefix);
    made.push(dir);
    return dir;
  };
}
