import { parseReference } from '../../src/name/reference.js';
import { RegistryClient } from '../../src/remote/registry-client.js';
import { pushOwnImage } from '../cli/own-images.js';
import { loadTestEnv } from '../env/env.js';
import { startLatencyProxy } from '../env/latency-proxy.js';

const anonymous = loadTestEnv().registries.anonymous;

test('manifest HEADs keep their connection alive: a run of them uses one connection', async () => {
  const tags = ['1.0', '1.1', '2.0', '2.1', '3.0'];
  const digests = await Promise.all(tags.map((tag) => pushOwnImage('head-keep-alive/app', tag)));
  const proxy = await startLatencyProxy({ targetHost: '127.0.0.1', targetPort: anonymous.port, ms: 2 });
  const client = new RegistryClient();
  try {
    const heads = [];
    for (const tag of tags) heads.push(await client.headManifest(parseReference(`${proxy.host}/head-keep-alive/app:${tag}`), tag));
    expect(heads.map((head) => head?.digest)).toEqual(digests);
    // The first connection also carried the /v2/ ping that learns the auth challenge.
    expect(proxy.connections).toBe(1);
  } finally {
    await client.close();
    await proxy.stop();
  }
});
