import type { Readable } from 'node:stream';
import { CacheWriteRefused, refusedReservation, sendToStorage, type CacheServiceClient, type ServiceAnswer } from './cache-http.js';
import type { CacheProtocol } from './cache-service.js';

const ROUTE = 'twirp/github.actions.results.api.v1.CacheService/';

/**
 * The cache service v2, the Twirp JSON API github.com runs (`ACTIONS_RESULTS_URL`): the
 * service signs Azure Blob URLs and the entry's bytes go to storage directly, in one PUT.
 */
export class TwirpCacheProtocol implements CacheProtocol {
  constructor(
    private readonly baseUrl: string,
    private readonly client: CacheServiceClient
  ) {}

  async lookup(key: string, version: string): Promise<string | undefined> {
    const { body } = await this.call('GetCacheEntryDownloadURL', { key, restore_keys: [], version });
    return body.ok === true && body.matched_key === key ? String(body.signed_download_url) : undefined;
  }

  async save(key: string, version: string, body: () => Readable, size: number): Promise<boolean> {
    let reserved: ServiceAnswer;
    try {
      reserved = await this.call('CreateCacheEntry', { key, version });
    } catch (error) {
      return refusedReservation(error, key);
    }
    if (reserved.body.ok !== true) {
      const reason = typeof reserved.body.message === 'string' ? reserved.body.message : 'no reason given';
      throw new CacheWriteRefused(`the cache service refused to keep ${key}: ${reason}`);
    }
    const headers = { 'x-ms-blob-type': 'BlockBlob', 'x-ms-version': '2024-08-04', 'content-length': String(size) };
    const response = await sendToStorage(String(reserved.body.signed_upload_url), 'PUT', headers, body());
    response.resume();
    if (response.statusCode !== 201) throw new Error(`the cache's storage answered ${response.statusCode} to the upload of ${key}`);
    await this.call('FinalizeCacheEntryUpload', { key, version, size_bytes: String(size) });
    return true;
  }

  private call(method: string, body: object): Promise<ServiceAnswer> {
    return this.client.request(method, {
      method: 'POST',
      url: `${this.baseUrl}${ROUTE}${method}`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body)
    });
  }
}
