import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replaceSpans } from '../../src/pin/replace-spans.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('replaceSpans', () => {
  const pinSingle = async (content: string) => {
    const root = await mkdtemp(join(tmpdir(), 'spans-'));
    const path = join(root, 'Dockerfile');
    await writeFile(path, content);
    const failure = await replaceSpans(
      path,
      [{ span: { line: 1, column: 6, length: 10 }, from: 'single:1.0', to: `single:1.0@${DIGEST}` }],
      root
    );
    return { failure, content: await readFile(path, 'utf8') };
  };

  test('pins a span that still holds the reference discovery saw', async () => {
    expect(await pinSingle('FROM single:1.0 AS base\n')).toEqual({ failure: undefined, content: `FROM single:1.0@${DIGEST} AS base\n` });
  });

  test.each(['FROM single:1.0-rc1 AS base\n', 'FROM single:1.0.1\n', `FROM single:1.0@${DIGEST}\n`, 'FROM single:1.0/x\n'])(
    'a reference edited since the scan into a longer one is left alone: %j',
    async (edited) => {
      expect(await pinSingle(edited)).toEqual({ failure: 'the file changed since it was scanned', content: edited });
    }
  );
});
