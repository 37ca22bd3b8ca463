import { RegistryError } from '../errors.js';
import { firstHeader, type HttpResponse } from '../transport/http.js';

/** Reads a response body whole, refusing one larger than `limit` before and while reading. */
export async function readCapped(response: Pick<HttpResponse, 'body'> & Partial<HttpResponse>, limit: number, what: string): Promise<Buffer> {
  const stated = Number(response.headers ? firstHeader(response.headers, 'content-length') : NaN);
  const tooLarge = () => new RegistryError(`${what} is larger than the ${limit}-byte limit`);
  if (stated > limit) {
    response.body.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of response.body) {
    length += (chunk as Buffer).length;
    if (length > limit) {
      response.body.destroy();
      throw tooLarge();
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, length);
}
