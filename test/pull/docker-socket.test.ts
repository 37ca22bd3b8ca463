import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localDockerSocket } from '../../src/daemon/docker-socket.js';

describe('localDockerSocket', () => {
  const configDir = (config: object) => {
    const dir = mkdtempSync(join(tmpdir(), 'docker-config-'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    return dir;
  };

  it('is the path of a unix DOCKER_HOST, whatever the context', async () => {
    expect(await localDockerSocket({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock', DOCKER_CONTEXT: 'remote' })).toBe(
      '/run/user/1000/docker.sock'
    );
  });

  it('leaves tcp and ssh hosts and any context but the default one to the docker CLI', async () => {
    expect(await localDockerSocket({ DOCKER_HOST: 'tcp://10.0.0.1:2376' })).toBeUndefined();
    expect(await localDockerSocket({ DOCKER_HOST: 'ssh://me@host' })).toBeUndefined();
    expect(await localDockerSocket({ DOCKER_CONTEXT: 'remote' })).toBeUndefined();
    expect(await localDockerSocket({ DOCKER_CONFIG: configDir({ currentContext: 'colima' }) })).toBeUndefined();
    // DOCKER_CONTEXT wins over the config file, as with the CLI.
    const expected = await localDockerSocket({ DOCKER_CONFIG: configDir({}) });
    expect(await localDockerSocket({ DOCKER_CONTEXT: 'default', DOCKER_CONFIG: configDir({ currentContext: 'colima' }) })).toBe(expected);
  });
});
