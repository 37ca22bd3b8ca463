import { AMD64, ARM64 } from '../env/fixtures.js';
import { buildImage, buildIndex, pushIndex } from '../env/image.js';
import { loadTestEnv } from '../env/env.js';
import { tarLayer } from '../env/layers.js';

/**
 * Pushes a two-platform OCI index made unique by `content` to the anonymous registry as
 * `repo:tag`, and returns its digest. Tests that count requests at the registry push to
 * repositories of their own this way, since test files run side by side.
 */
export async function pushOwnImage(repo: string, tag: string, content = `${repo}:${tag}`): Promise<string> {
  const images = await Promise.all(
    [AMD64, ARM64].map(async (platform) =>
      buildImage({ platform, layers: [await tarLayer([{ name: 'etc/image.txt', content: `${content} ${platform.architecture}\n` }])] })
    )
  );
  const index = buildIndex(
    'oci',
    images.map((image) => ({ image }))
  );
  await pushIndex({ url: loadTestEnv().registries.anonymous.url }, repo, index, [tag]);
  return index.manifest.digest;
}
