import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { discover } from '../../src/discovery/discover.js';
import { SourceFile } from '../../src/discovery/file-kind.js';
import { quadletKind } from '../../src/discovery/kinds/quadlet.js';
import { pinFiles } from '../../src/pin/pin.js';
import { expectSpansHoldText, summary } from './spans.js';
import { tempRepo } from './temp-repo.js';

const D = `sha256:${'d'.repeat(64)}`;

const CONTAINER = `# Web front, started by systemd.
[Unit]
Description=Web front
After=network-online.target

[Container]
ContainerName=web
Image=docker.io/library/nginx:1.27-alpine
PublishPort=8080:80
Volume=web-data.volume:/usr/share/nginx/html:Z
Environment=MODE=prod \\
  LEVEL=info

[Service]
Restart=always
; Image=not/this:1 (a comment)

[Install]
WantedBy=default.target
`;

async function scan(path: string, content: string) {
  const repository = { readText: () => Promise.resolve(undefined), hasFile: () => Promise.resolve(false), env: {} };
  return await quadletKind.scan(new SourceFile(path, content), repository);
}

describe('Podman Quadlet units', () => {
  test('Image= of [Container], [Image] (quoted) and image-backed [Volume]; another unit and a specifier are not images', async () => {
    const container = await scan('containers/systemd/web.container', CONTAINER);
    expectSpansHoldText(CONTAINER, container);
    expect(summary(container)).toEqual(['8 docker.io/library/nginx:1.27-alpine @8:7']);

    const image = '[Image]\r\nImage="quay.io/podman/hello:latest"\r\n';
    expect(summary(await scan('containers/systemd/hello.image', image))).toEqual(['2 quay.io/podman/hello:latest @2:8']);

    const volume = '[Volume]\nDriver=image\nImage=ghcr.io/acme/assets:3\n';
    expect(summary(await scan('containers/systemd/assets.volume', volume))).toEqual(['3 ghcr.io/acme/assets:3 @3:7']);

    const other = await scan('app.container', '[Container]\nImage=hello.image\n[Container]\nImage=%i-web:1\nImage=nginx:${TAG}\n');
    expect(other.occurrences).toEqual([]);
    expect(other.problems).toEqual([
      { file: 'app.container', line: 4, message: 'cannot resolve the systemd specifier in "%i-web:1"' },
      { file: 'app.container', line: 5, message: 'cannot resolve the variable in "nginx:${TAG}"' }
    ]);
  });

  test('found by the default globs and pinned in place', async () => {
    const cwd = await tempRepo({
      'deploy/web.container': CONTAINER,
      'deploy/containers/systemd/hello.image': '[Image]\nImage=quay.io/podman/hello:latest\n',
      'disk/os.image': '[Image]\nImage=not/scanned:1\n'
    });
    const { occurrences } = await discover({ cwd });
    expect(occurrences.map((occurrence) => `${occurrence.file}:${occurrence.line} ${occurrence.text}`)).toEqual([
      'deploy/containers/systemd/hello.image:2 quay.io/podman/hello:latest',
      'deploy/web.container:8 docker.io/library/nginx:1.27-alpine'
    ]);
    expect((await pinFiles(cwd, occurrences, () => D)).skipped).toEqual([]);
    expect(await readFile(join(cwd, 'deploy/web.container'), 'utf8')).toBe(
      CONTAINER.replace('nginx:1.27-alpine', `nginx:1.27-alpine@${D}`)
    );
  });
});
