// The demo's sample images: small stand-ins for the images examples/ names, pushed to a
// local registry that serves as the mirror of Docker Hub and ghcr.io.
import { attestationEntry, buildImage, buildIndex, pushImage, pushIndex, type Format, type Platform } from '../test/env/image.js';
import { tarLayer } from '../test/env/layers.js';

const AMD64: Platform = { os: 'linux', architecture: 'amd64' };
const ARM64: Platform = { os: 'linux', architecture: 'arm64', variant: 'v8' };
const ARMV7: Platform = { os: 'linux', architecture: 'arm', variant: 'v7' };

/** Repository, tags, format, platforms (one platform: a single manifest). redis:7.4 is what the demo's change moves to. */
export const SAMPLES: [string, string[], Format, Platform[]][] = [
  ['library/nginx', ['1.25'], 'oci', [AMD64, ARM64, ARMV7]],
  ['library/node', ['20-alpine'], 'oci', [AMD64, ARM64]],
  ['library/redis', ['7.2', '7.4'], 'docker', [AMD64, ARM64]],
  ['library/postgres', ['16'], 'docker', [AMD64]],
  ['library/alpine', ['latest'], 'oci', [AMD64, ARM64, ARMV7]],
  ['acme/api', ['2.1'], 'oci', [AMD64, ARM64]],
  // The BuildKit frontend examples/Dockerfile names in its `# syntax=` line.
  ['docker/dockerfile', ['1'], 'oci', [AMD64, ARM64]]
];

export async function seedSampleImages(url: string): Promise<void> {
  const base = await tarLayer([{ name: 'etc/os-release', content: 'NAME="image-lock demo"\n' }]);
  for (const [repo, tags, format, platforms] of SAMPLES) {
    const images = await Promise.all(
      platforms.map(async (platform) => {
        const app = await tarLayer([{ name: 'app/README', content: `${repo} on ${platform.os}/${platform.architecture}\n` }]);
        return buildImage({ format, platform, layers: [base, app] });
      })
    );
    if (images.length === 1) await pushImage({ url }, repo, images[0], tags);
    else
      await pushIndex(
        { url },
        repo,
        buildIndex(format, [...images.map((image) => ({ image })), ...(format === 'oci' ? [attestationEntry(images[0])] : [])]),
        tags
      );
  }
}
