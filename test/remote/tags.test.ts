import { parseReference } from '../../src/name/reference.js';
import { RegistryClient } from '../../src/remote/registry-client.js';
import { listTags } from '../../src/remote/tags.js';
import { pushRelease, twoPlatforms } from '../cli/releases.js';
import { loadTestEnv } from '../env/env.js';
import { startRegistryFront, type RegistryFront } from './registry-front.js';

const env = loadTestEnv();
const tags = ['1.0', '1.1', '1.2', '2.0', 'latest'];

async function listed(host: string, pageSize?: number): Promise<string[]> {
  const client = new RegistryClient();
  try {
    return await listTags(client, parseReference(`${host}/tags-list/app`), pageSize);
  } finally {
    await client.close();
  }
}

describe('listing tags', () => {
  let front: RegistryFront;
  beforeAll(async () => {
    for (const tag of tags) await pushRelease('tags-list/app', tag, twoPlatforms(`tags ${tag}`, `tags ${tag}`));
    front = await startRegistryFront(env.registries.anonymous.url, 'paginate');
  });
  afterAll(() => front.stop());

  test('the real registry answers in one page', async () => {
    expect((await listed(env.registries.anonymous.host)).sort()).toEqual(tags);
  });

  test('follows the Link pagination to the end, page by page, at the size asked', async () => {
    front.tagRequests.length = 0;
    expect(await listed(front.host, 2)).toEqual(tags);
    expect(front.tagRequests).toEqual(['?n=2', '?n=2&last=1.1', '?n=2&last=2.0']);
  });

  test("without a page size, the registry's own pages", async () => {
    front.tagRequests.length = 0;
    expect(await listed(front.host)).toEqual(tags);
    expect(front.tagRequests).toEqual(['', '?n=2&last=1.1', '?n=2&last=2.0']);
  });

  test('a repository the registry does not know is a registry error', async () => {
    const client = new RegistryClient();
    try {
      await expect(listTags(client, parseReference(`${env.registries.anonymous.host}/tags-list/none`))).rejects.toThrow(/HTTP 404/);
    } finally {
      await client.close();
    }
  });
});
