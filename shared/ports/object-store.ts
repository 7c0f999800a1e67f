import type { Readable } from 'node:stream';

/**
 * Where files live: S3 in the cloud, a folder on one machine.
 * Keys are '/'-separated, never start with '/', and never contain '..'.
 */
export interface ObjectStore {
  put(key: string, body: Uint8Array | string, options?: { contentType?: string }): Promise<void>;
  /** Streams large bodies (uploads) without buffering. */
  putStream(key: string, body: Readable, options?: { contentType?: string }): Promise<void>;
  /** Stores a local file under the key; the file may be moved rather than copied (gone afterwards). */
  putFile(key: string, path: string, options?: { contentType?: string }): Promise<void>;
  /** Throws ObjectNotFoundError when the key does not exist. */
  get(key: string): Promise<Uint8Array>;
  getText(key: string): Promise<string>;
  getStream(key: string): Promise<Readable>;
  exists(key: string): Promise<boolean>;
  /** Every key under the prefix, recursively, sorted. */
  list(prefix: string): Promise<string[]>;
  delete(key: string): Promise<void>;
  /**
   * A location the QueryEngine can read directly (s3://bucket/key or an absolute path),
   * so Parquet written here is queryable without copying.
   */
  locate(key: string): string;
}

export class ObjectNotFoundError extends Error {
  readonly key: string;
  constructor(key: string) {
    super(`object not found: ${key}`);
    this.name = 'ObjectNotFoundError';
    this.key = key;
  }
}

export class InvalidKeyError extends Error {
  constructor(key: string, why: string) {
    super(`invalid object key "${key}": ${why}`);
    this.name = 'InvalidKeyError';
  }
}

/** Rejects keys that could escape the store root or confuse S3 and the filesystem alike. */
export function assertValidKey(key: string): void {
  if (key.length === 0 || key.length > 1024) throw new InvalidKeyError(key, 'length must be 1..1024');
  if (key.startsWith('/')) throw new InvalidKeyError(key, 'must not start with "/"');
  if (key.includes('\\') || key.includes('\0'))
    throw new InvalidKeyError(key, 'must not contain "\\" or NUL');
  if (key.split('/').some((part) => part === '..' || part === '.'))
    throw new InvalidKeyError(key, 'must not contain "." or ".." segments');
}
