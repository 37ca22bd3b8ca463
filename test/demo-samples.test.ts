// The demo locks examples/ against a registry seeded with scripts/demo-images.ts's samples
// (the mirror of Docker Hub and ghcr.io): every reference examples/ holds must be one of
// them, or the demo's first step fails on the unreachable registry.
import { join } from 'node:path';
import { discover } from '../src/discovery/discover.js';
import { parseReference } from '../src/name/reference.js';
import { SAMPLES } from '../scripts/demo-images.js';

test('the demo seeds every image examples/ names', async () => {
  const { occurrences } = await discover({ cwd: join(import.meta.dirname, '..', 'examples') });
  const seeded = new Set(SAMPLES.flatMap(([repository, tags]) => tags.map((tag) => `${repository}:${tag}`)));
  const named = occurrences
    .map((occurrence) => parseReference(occurrence.text))
    .map((reference) => `${reference.repository}:${reference.tag}`);
  expect(named.length).toBeGreaterThan(0);
  expect(named.filter((name) => !seeded.has(name))).toEqual([]);
});
