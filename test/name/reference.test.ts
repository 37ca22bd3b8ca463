import { InputError } from '../../src/errors.js';
import { parseReference } from '../../src/name/reference.js';

const HEX = 'dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c';

// Cases taken from what Docker's own reference package (distribution/reference)
// accepts and rejects in its tests, plus the normalisation `docker pull` applies.
describe('parseReference accepts what Docker accepts', () => {
  test.each([
    ['nginx', 'docker.io/library/nginx:latest'],
    ['nginx:1.25', 'docker.io/library/nginx:1.25'],
    ['library/debian', 'docker.io/library/debian:latest'],
    ['docker/docker', 'docker.io/docker/docker:latest'],
    ['docker.io/debian', 'docker.io/library/debian:latest'],
    ['docker.io/library/debian', 'docker.io/library/debian:latest'],
    ['index.docker.io/debian', 'docker.io/library/debian:latest'],
    ['index.docker.io/docker/docker', 'docker.io/docker/docker:latest'],
    ['127.0.0.1:5000/debian', '127.0.0.1:5000/debian:latest'],
    ['127.0.0.1:5000/library/debian', '127.0.0.1:5000/library/debian:latest'],
    ['192.168.0.1', 'docker.io/library/192.168.0.1:latest'],
    ['192.168.0.1:80', 'docker.io/library/192.168.0.1:80'],
    ['192.168.0.1:8/debian', '192.168.0.1:8/debian:latest'],
    ['localhost/foo', 'localhost/foo:latest'],
    ['localhost:5000/foo/bar:v1', 'localhost:5000/foo/bar:v1'],
    ['localhost:5000', 'docker.io/library/localhost:5000'],
    ['[fc00::1]:5000/docker', '[fc00::1]:5000/docker:latest'],
    ['[fc00:1:2:3:4:5:6:7]:5000/library/debian', '[fc00:1:2:3:4:5:6:7]:5000/library/debian:latest'],
    ['Docker/docker', 'Docker/docker:latest'],
    ['DOCKER/docker', 'DOCKER/docker:latest'],
    ['test_com/foo', 'docker.io/test_com/foo:latest'],
    ['test-com:8080/foo', 'test-com:8080/foo:latest'],
    ['xn--n3h.com:18080/foo', 'xn--n3h.com:18080/foo:latest'],
    ['docker.io/library/foo/bar', 'docker.io/library/foo/bar:latest'],
    ['store/foo/bar', 'docker.io/store/foo/bar:latest'],
    ['docker-rules/docker', 'docker.io/docker-rules/docker:latest'],
    ['docker---rules/docker', 'docker.io/docker---rules/docker:latest'],
    ['dock__er/docker', 'docker.io/dock__er/docker:latest'],
    ['d/docker', 'docker.io/d/docker:latest'],
    [
      'thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev',
      'docker.io/library/thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev:latest'
    ],
    [`docker.io/${HEX}`, `docker.io/library/${HEX}:latest`],
    [`${HEX.slice(0, 63)}`, `docker.io/library/${HEX.slice(0, 63)}:latest`],
    [`redis@sha256:${HEX}`, `docker.io/library/redis@sha256:${HEX}`],
    [`busybox:latest@sha256:${HEX}`, `docker.io/library/busybox:latest@sha256:${HEX}`],
    [`ghcr.io/org/app:1.0@sha256:${HEX}`, `ghcr.io/org/app:1.0@sha256:${HEX}`],
    ['foo:_tag', 'docker.io/library/foo:_tag'],
    [`foo:${'a'.repeat(128)}`, `docker.io/library/foo:${'a'.repeat(128)}`],
    ['ghcr.io/team/sub/deep/app:2.1', 'ghcr.io/team/sub/deep/app:2.1']
  ])('%s -> %s', (text, normalised) => {
    expect(parseReference(text).toString()).toBe(normalised);
  });

  test('splits registry, repository, tag and digest', () => {
    const reference = parseReference(`localhost:5000/team/app:1.2@sha256:${HEX}`);
    expect(reference).toMatchObject({ registry: 'localhost:5000', repository: 'team/app', writtenTag: '1.2', digest: `sha256:${HEX}` });
    expect(reference.manifestReference).toBe(`sha256:${HEX}`);
    expect(parseReference('nginx').tag).toBe('latest');
    expect(parseReference('nginx').writtenTag).toBeUndefined();
    expect(parseReference(`nginx@sha256:${HEX}`).tag).toBeUndefined();
    expect(parseReference('nginx:1.25').withDigest(`sha256:${HEX}`).toString()).toBe(`docker.io/library/nginx:1.25@sha256:${HEX}`);
  });
});

describe('parseReference rejects what Docker rejects, naming the text', () => {
  test.each([
    ['', 'empty'],
    ['scratch', 'reserved'],
    ['https://github.com/docker/docker', 'registry host'],
    ['docker/Docker', 'lowercase'],
    ['docker.io/docker/Docker', 'lowercase'],
    ['-docker', 'path component'],
    ['-docker/docker', 'path component'],
    ['-docker.io/docker/docker', 'registry host'],
    ['docker///docker', 'invalid reference format'],
    ['docker.io/docker///docker', 'invalid reference format'],
    ['docker-/docker', 'path component'],
    ['____/____', 'path component'],
    ['_docker/_docker', 'path component'],
    ['dock..er/docker', 'registry host'],
    ['dock..er/docker', 'registry host'],
    ['dock..er/docker', 'registry host'],
    ['docker/', 'invalid reference format'],
    ['[fc00::1]', 'path component'],
    ['[fc00::1]:5000', 'path component'],
    ['fc00::1:5000/debian', 'registry host'],
    ['[fe80::1%eth0]:5000/debian', 'registry host'],
    ['[2001:db8:3:4::192.0.2.33]:5000/debian', 'registry host'],
    [HEX, '64-byte hexadecimal'],
    [`${'a'.repeat(256)}/docker`, 'at most 255'],
    ['foo:-tag', 'invalid tag'],
    ['foo:.tag', 'invalid tag'],
    [`foo:${'a'.repeat(129)}`, 'invalid tag'],
    ['foo:bar:baz', 'path component'],
    ['foo@sha256:abc', 'invalid digest'],
    [`foo@sha256:${HEX.toUpperCase()}`, 'lowercase hex'],
    [`foo@sha256:${HEX}00`, 'expected 64'],
    [`foo@md5:${HEX}`, 'unsupported digest algorithm'],
    [`foo@sha256:${HEX}@sha256:${HEX}`, 'invalid digest'],
    ['foo bar', 'path component'],
    ['FOO', 'lowercase']
  ])('%j is refused (%s)', (text, reason) => {
    const attempt = () => parseReference(text);
    expect(attempt).toThrow(InputError);
    expect(attempt).toThrow(reason);
    expect(attempt).toThrow(`"${text}"`);
  });
});
