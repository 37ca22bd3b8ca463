// The cache service stand-in's entries, whichever protocol a client speaks: a table in
// memory, each entry's bytes a blob in azurite, reached through signed (SAS) URLs as the
// real service hands out Azure Blob URLs. Faults a test turns on apply to reservations.
import { BlobSASPermissions, StorageSharedKeyCredential, generateBlobSASQueryParameters, type ContainerClient } from '@azure/storage-blob';

export interface CacheEntryInfo {
  key: string;
  version: string;
  size: number;
}

export interface Entry {
  id: number;
  key: string;
  version: string;
  /** Set when the upload is finalized (v2) or committed (v1); until then the entry is reserved but not restorable. */
  size?: number;
  /** v1: the chunks received, as staged Azure blocks, by their first byte. */
  chunks: Map<number, { end: number; blockId: string }>;
}

/** A refusal, which each protocol renders its own way (Twirp's `{code, msg}`, v1's `{message, typeKey}`). */
export class StandInError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {}
  ) {
    super(message);
  }
}

export class CacheStore {
  readonly table: Entry[] = [];
  /**
   * `readOnly` refuses every reservation as the service does for a fork's pull request;
   * `tooManyRequests` answers that many next reservations with 429.
   */
  readonly faults = { readOnly: false, tooManyRequests: 0 };
  rateLimited = 0;

  constructor(
    readonly container: ContainerClient,
    private readonly credential: StorageSharedKeyCredential,
    /** Where clients reach azurite, when not at its own address (a proxy in front of it). */
    private readonly blobOrigin?: string
  ) {}

  reserve(key: string, version: string): Entry {
    if (this.faults.readOnly) throw new StandInError(403, 'permission_denied', 'cache write denied: the token is read-only');
    if (this.faults.tooManyRequests > 0) {
      this.faults.tooManyRequests--;
      this.rateLimited++;
      throw new StandInError(429, 'resource_exhausted', 'too many cache entries created in the last minute', { 'retry-after': '1' });
    }
    // The real service refuses a second reservation of key+version (pending or finalized) with 409.
    if (this.table.some((e) => e.key === key && e.version === version))
      throw new StandInError(409, 'already_exists', 'cache entry with the same key, version, and scope already exists');
    const entry: Entry = { id: this.table.length + 1, key, version, chunks: new Map() };
    this.table.push(entry);
    return entry;
  }

  /** Makes the entry restorable once its blob really holds `size` bytes, so a broken upload fails here and not at restore. */
  async finalize(entry: Entry, size: number): Promise<void> {
    const stored = await this.container
      .getBlobClient(String(entry.id))
      .getProperties()
      .catch(() => undefined);
    if (stored?.contentLength !== size)
      throw new StandInError(412, 'failed_precondition', `uploaded ${stored?.contentLength ?? 'nothing'}, finalize says ${size} bytes`);
    entry.size = size;
  }

  // GitHub's documented order: for the key, then each restore key in turn, an exact
  // match wins, else the newest entry whose key starts with it. Only entries saved
  // with the same version (paths + compression) are candidates.
  lookup(keys: string[], version: string): Entry | undefined {
    const ready = this.table.filter((e) => e.version === version && e.size !== undefined).reverse();
    for (const wanted of keys) {
      const hit = ready.find((e) => e.key === wanted) ?? ready.find((e) => e.key.startsWith(wanted));
      if (hit) return hit;
    }
    return undefined;
  }

  signedUrl(entry: Entry, permissions: string): string {
    const blobName = String(entry.id);
    const sas = generateBlobSASQueryParameters(
      {
        containerName: this.container.containerName,
        blobName,
        permissions: BlobSASPermissions.parse(permissions),
        expiresOn: new Date(Date.now() + 60 * 60 * 1000)
      },
      this.credential
    );
    const url = new URL(this.container.getBlobClient(blobName).url);
    // The signature covers the account, container and blob, not the host: any origin in front of azurite serves it.
    const origin = this.blobOrigin ? new URL(this.blobOrigin) : url;
    url.host = origin.host;
    return `${url.href}?${sas.toString()}`;
  }

  entries(): CacheEntryInfo[] {
    return this.table.flatMap((e) => (e.size === undefined ? [] : [{ key: e.key, version: e.version, size: e.size }]));
  }
}
