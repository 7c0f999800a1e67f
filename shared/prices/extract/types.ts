/** Which method found the price, in the order they are trusted. */
export type PriceSource = 'json-ld' | 'microdata' | 'rdfa' | 'meta' | 'text';

export type Availability =
  | 'InStock'
  | 'OutOfStock'
  | 'PreOrder'
  | 'BackOrder'
  | 'LimitedAvailability'
  | 'Discontinued'
  | 'InStoreOnly'
  | 'OnlineOnly'
  | 'SoldOut';

/** One product as a structured-data method describes it (prices already parsed to decimal strings). */
export interface ProductCandidate {
  source: PriceSource;
  name: string | null;
  url: string | null;
  /** Offer prices in document order (several for variants; low price first for AggregateOffer). */
  prices: {
    amount: string;
    currency: string | null;
    availability: Availability | null;
    aggregate?: boolean;
  }[];
  sku: string | null;
  gtin: string | null;
  brand: string | null;
  availability: Availability | null;
  currency: string | null;
}

export interface ExtractedProduct {
  /** Decimal string ("1234.56"), or null when no price was found. */
  price: string | null;
  /** ISO 4217 code, or null. */
  currency: string | null;
  availability: Availability | null;
  sku: string | null;
  gtin: string | null;
  brand: string | null;
  name: string | null;
  source: PriceSource | null;
  /** A price the markup stated but that was rejected as absurd (0, or 1e9 and over), when no other was found. */
  absurdPrice?: string | null;
}

const AVAILABILITY: [RegExp, Availability][] = [
  [
    /outofstock|out[ _-]of[ _-]stock|sold[ _-]?out|oos\b|unavailable|not available|nicht verf|épuisé|agotado|esaurito/i,
    'OutOfStock',
  ],
  [/discontinued/i, 'Discontinued'],
  [/preorder|pre[ _-]order/i, 'PreOrder'],
  [/backorder|back[ _-]order/i, 'BackOrder'],
  [/limitedavailability|limited/i, 'LimitedAvailability'],
  [/instoreonly/i, 'InStoreOnly'],
  [/onlineonly/i, 'OnlineOnly'],
  [/instock|in[ _-]stock|available|auf lager|en stock|disponible|disponibile|lieferbar/i, 'InStock'],
];

/** Maps schema.org URLs ("http://schema.org/InStock"), short names and common phrases to a schema.org name. */
export function normalizeAvailability(raw: unknown): Availability | null {
  if (typeof raw !== 'string') return null;
  const s = raw.trim();
  if (!s) return null;
  for (const [re, v] of AVAILABILITY) if (re.test(s)) return v;
  return null;
}
