import type { Readable } from 'node:stream';
import { RegistryError } from '../errors.js';
import { connectionReleased, firstHeader, type Headers } from '../transport/http.js';

/** Reads a body whole, refusing one larger than `limit` before (by its stated length) and while reading. */
export async function readCapped(response: { body: Readable; headers?: Headers }, limit: number, what: string): Promise<Buffer> {
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
  await connectionReleased();
  return Buffer.concat(chunks, length);
}
