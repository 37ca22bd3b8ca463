import { parseReference } from '../../src/name/reference.js';
import { loadGroups } from '../../src/pull/load-groups.js';
import { hostname } from 'node:os';
import { spawn } from 'node:child_process';
import { PROCESS_STARTED_MS } from '../../src/fs/temp-files.js';
import { isLeftBehind, standInImages, standInOwner } from '../../src/pull/stand-in-images.js';
import type { ArchiveImage } from '../../src/tarball/archive-image.js';

const digest = (name: string) => `sha256:${name.padEnd(64, '0')}`;
const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
const OWNER = 'runner 4242 1700000000000';

/** An image of layers named by letters (`a` is the layer of digest a000..., diff ID a100...). */
function image(name: string, layers: string[], sizes: number[] = layers.map(() => 10)): ArchiveImage {
  const manifest = {
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest: digest(`f${name.length}`),
    size: 1,
    platform: { os: 'linux', architecture: 'arm64', variant: 'v8' }
  };
  return {
    target: manifest,
    manifest,
    pinned: [],
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digest(`c${name.length}`), size: 1 },
    layers: layers.map((layer, index) => ({ mediaType: OCI_LAYER, digest: digest(layer), size: sizes[index] })),
    tags: [parseReference(`example.com/${name}:1`)],
    diffIds: layers.map((layer) => digest(`${layer}1`))
  };
}

describe('loadGroups', () => {
  it('spreads images over at most `count` archives of about equal bytes, largest first', () => {
    const images = [image('small', ['a'], [10]), image('big', ['b'], [100]), image('mid', ['c'], [60]), image('mid2', ['d'], [50])];
    const names = (groups: ArchiveImage[][]) => groups.map((group) => group.map((one) => one.tags[0].repository));
    expect(names(loadGroups(images, 2))).toEqual([
      ['big', 'small'],
      ['mid', 'mid2']
    ]);
    expect(names(loadGroups(images, 1))).toEqual([['big', 'mid', 'mid2', 'small']]);
    expect(loadGroups(images.slice(0, 1), 4)).toHaveLength(1);
  });
});

describe('standInImages', () => {
  it('makes one stand-in of the layers two archives share, and leaves them out of both', () => {
    const web = image('web', ['b', 'w']);
    const worker = image('worker', ['b', 'k', 'l']);
    const standIns = standInImages([[web], [worker]], OWNER);
    expect(standIns.images).toHaveLength(1);
    const [standIn] = standIns.images;
    expect(standIn.layers.map((layer) => layer.digest)).toEqual([digest('b')]);
    expect(standIn.diffIds).toEqual([digest('b1')]);
    expect(standIn.tags).toEqual([]);
    // Its config and manifest are real blobs, generated: what the image ID comes from.
    const config = JSON.parse(standIns.blobs.get(standIn.config.digest)!.toString());
    expect(config).toEqual({
      architecture: 'arm64',
      os: 'linux',
      config: { Labels: { 'io.github.image-lock.stand-in': OWNER } },
      rootfs: { type: 'layers', diff_ids: [digest('b1')] }
    });
    expect(JSON.parse(standIns.blobs.get(standIn.manifest.digest)!.toString()).layers).toEqual(standIn.layers);
    expect(standIns.omit).toEqual([new Set([digest('b')]), new Set([digest('b')])]);
  });

  it('takes the deepest chain shared, and keeps a layer that also sits above it', () => {
    // `e` (an empty layer, say) is inside the shared chain and again on top of one image.
    const one = image('one', ['b', 'e', 'x']);
    const two = image('two', ['b', 'e', 'y', 'e']);
    const three = image('three', ['b', 'z']);
    const standIns = standInImages([[one, three], [two]], OWNER);
    expect(standIns.images.map((standIn) => standIn.layers.map((layer) => layer.digest))).toEqual([[digest('b'), digest('e')]]);
    expect(standIns.omit).toEqual([new Set([digest('b'), digest('e')]), new Set([digest('b')])]);
  });

  it('has nothing to do for one archive, archives sharing nothing, or a config without diff IDs', () => {
    expect(standInImages([[image('one', ['a']), image('two', ['a'])]], OWNER).images).toEqual([]);
    expect(standInImages([[image('one', ['a'])], [image('two', ['b'])]], OWNER).images).toEqual([]);
    const unknown = { ...image('two', ['a']), diffIds: undefined };
    expect(standInImages([[image('one', ['a'])], [unknown]], OWNER).images).toEqual([]);
  });
});

describe('isLeftBehind', () => {
  const before = PROCESS_STARTED_MS - 1000;
  it("is a stand-in of a run that is over: this machine's process gone, or made an hour ago or more anywhere", async () => {
    const gone = spawn('true');
    await new Promise((resolve) => gone.on('exit', resolve));
    expect(isLeftBehind(`${hostname()} ${gone.pid} ${before}`)).toBe(true);
    expect(isLeftBehind(`another-host 1 ${Date.now() - 2 * 3_600_000}`)).toBe(true);
    // What an older version labelled them with.
    expect(isLeftBehind('true')).toBe(true);
  });

  it('is not one a run still going on uses, nor one made since this process started', () => {
    const running = spawn('sleep', ['30']);
    try {
      expect(isLeftBehind(`${hostname()} ${running.pid} ${before}`)).toBe(false);
      expect(isLeftBehind(`another-host 1 ${before}`)).toBe(false);
      expect(isLeftBehind(standInOwner())).toBe(false);
    } finally {
      running.kill();
    }
  });
});
