import type { Readable } from 'node:stream';
import { assertValidKey, type ObjectStore } from '../ports/object-store.ts';

/** Top-level key segments (`uploads`, `quarantine`, ...) served by one store. */
export interface PrefixRoute {
  segments: readonly string[];
  store: ObjectStore;
}

/**
 * One ObjectStore over several: each key goes to the store that owns its first path segment
 * (`uploads/XAA/declarations/f.csv` → the store routed for `uploads`), and to `fallback` when no route
 * names it. Keys are passed through unchanged, so a key means the same thing in every bucket and in the
 * local store folder (curated/... in the curated bucket is what the Glue table locations name).
 *
 * Hand-written because it is a few lines of routing over our own port; no library models this seam.
 */
export class PrefixRoutedObjectStore implements ObjectStore {
  private readonly bySegment = new Map<string, ObjectStore>();
  private readonly fallback: ObjectStore;

  constructor(routes: readonly PrefixRoute[], fallback: ObjectStore) {
    for (const route of routes) {
      for (const segment of route.segments) {
        if (segment.length === 0 || segment.includes('/'))
          throw new Error(`route segment "${segment}" must be one non-empty path segment`);
        if (this.bySegment.has(segment)) throw new Error(`route segment "${segment}" is routed twice`);
        this.bySegment.set(segment, route.store);
      }
    }
    this.fallback = fallback;
  }

  /** The store a key (or a prefix with a complete first segment) belongs to. */
  storeFor(key: string): ObjectStore {
    const slash = key.indexOf('/');
    const segment = slash < 0 ? key : key.slice(0, slash);
    return this.bySegment.get(segment) ?? this.fallback;
  }

  async put(key: string, body: Uint8Array | string, options?: { contentType?: string }): Promise<void> {
    return this.storeFor(checked(key)).put(key, body, options);
  }

  async putStream(key: string, body: Readable, options?: { contentType?: string }): Promise<void> {
    return this.storeFor(checked(key)).putStream(key, body, options);
  }

  async putFile(key: string, path: string, options?: { contentType?: string }): Promise<void> {
    return this.storeFor(checked(key)).putFile(key, path, options);
  }

  async get(key: string): Promise<Uint8Array> {
    return this.storeFor(checked(key)).get(key);
  }

  async getText(key: string): Promise<string> {
    return this.storeFor(checked(key)).getText(key);
  }

  async getStream(key: string): Promise<Readable> {
    return this.storeFor(checked(key)).getStream(key);
  }

  async exists(key: string): Promise<boolean> {
    return this.storeFor(checked(key)).exists(key);
  }

  async delete(key: string): Promise<void> {
    return this.storeFor(checked(key)).delete(key);
  }

  locate(key: string): string {
    return this.storeFor(checked(key)).locate(key);
  }

  /**
   * A prefix whose first segment is complete (`results/`, `curated/trade/`) lists one store. A shorter one
   * (`''`, `res`) could match keys of several stores: it lists every store that could hold a match and
   * merges the keys, sorted. Only keys that route back to the store they were listed from are returned,
   * so every listed key is one `get` finds.
   */
  async list(prefix: string): Promise<string[]> {
    if (prefix.includes('/')) return this.storeFor(prefix).list(prefix);
    const candidates = new Set<ObjectStore>([this.fallback]);
    for (const [segment, store] of this.bySegment) if (segment.startsWith(prefix)) candidates.add(store);
    const listings = await Promise.all(
      [...candidates].map(async (store) =>
        (await store.list(prefix)).filter((key) => this.storeFor(key) === store),
      ),
    );
    return listings.flat().sort();
  }
}

function checked(key: string): string {
  assertValidKey(key);
  return key;
}
