import { createHash, createHmac, createSecretKey, type KeyObject } from 'node:crypto';

/**
 * Where each administration's pseudonymisation key comes from: a local secret file on one machine,
 * Secrets Manager in the cloud. The key never leaves the ingest process and is never written to the lake.
 */
export interface PseudonymKeyStore {
  /** The administration's key (≥ 32 bytes), created on first use where the store allows it. */
  keyFor(admin: string): Promise<Uint8Array>;
}

/**
 * Keyed HMAC-SHA256 pseudonyms. The same raw ID always maps to the same pseudonym for one
 * administration (so importer risk profiles survive across uploads), and to an unrelated one for
 * another administration. Without the key a pseudonym cannot be reversed or re-computed from a guess.
 */
export class Pseudonymiser {
  // A KeyObject, imported once: passing raw key bytes makes createHmac re-import the key on every call,
  // which profiled at 8x the cost of the HMAC itself.
  private readonly key: KeyObject;
  private cache = new Map<string, string>();
  private readonly maxCache: number;

  constructor(key: Uint8Array, options: { maxCache?: number } = {}) {
    if (key.length < 32) throw new Error('pseudonymisation key must be at least 32 bytes');
    this.key = createSecretKey(key);
    this.maxCache = options.maxCache ?? 200_000;
  }

  /**
   * 96-bit pseudonym as 24 hex characters, prefixed "P" so it can never be mistaken for a raw ID.
   * Cached, because a few thousand importers make up millions of rows and HMAC setup dominates.
   */
  pseudonym(raw: string): string {
    let p = this.cache.get(raw);
    if (p === undefined) {
      p = `P${createHmac('sha256', this.key).update(raw, 'utf8').digest('hex').slice(0, 24)}`;
      if (this.cache.size >= this.maxCache) this.cache = new Map();
      this.cache.set(raw, p);
    }
    return p;
  }

  /** Replaces each named identifier field's value by its pseudonym in place (null stays null). */
  apply(values: Record<string, unknown>, fields: readonly string[]): void {
    for (let i = 0; i < fields.length; i++) {
      const v = values[fields[i]];
      if (typeof v === 'string' && v !== '') values[fields[i]] = this.pseudonym(v);
    }
  }
}

/**
 * The HMAC-SHA256 inner and outer pads of a key (RFC 2104: keys over 64 bytes are hashed first, shorter
 * ones zero-padded), so an engine with only SHA-256 (DuckDB's sha256) computes the same pseudonyms:
 * P + first 24 hex of sha256(opad || sha256(ipad || id)).
 */
export function hmacPads(key: Uint8Array): { ipad: Uint8Array; opad: Uint8Array } {
  const block = Buffer.alloc(64);
  Buffer.from(key.length > 64 ? createHash('sha256').update(key).digest() : key).copy(block);
  return { ipad: block.map((b) => b ^ 0x36), opad: block.map((b) => b ^ 0x5c) };
}
