import { normalizeCurrency } from '../currency.ts';
import { parseStructuredPrice } from '../parse-price.ts';
import { type Availability, normalizeAvailability, type ProductCandidate } from './types.ts';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Node = { [k: string]: Json };

const PRODUCT_TYPES =
  /^(?:schema:|https?:\/\/schema\.org\/)?(?:Product|ProductGroup|IndividualProduct|ProductModel|SomeProducts|Vehicle|Car|Book|Offer)$/i;

/** Parses a JSON-LD script body, tolerating the usual breakage (control characters, trailing commas, HTML comments). */
export function parseJsonLd(text: string): Json | undefined {
  const body = text
    .trim()
    .replace(/^<!--/, '')
    .replace(/-->$/, '')
    .replace(/^\s*\/\/\s*<!\[CDATA\[/, '')
    .replace(/\/\/\s*\]\]>\s*$/, '');
  try {
    return JSON.parse(body);
  } catch {
    try {
      // Raw newlines/tabs inside strings and trailing commas are the common producer bugs.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
      const fixed = body.replace(/[\u0000-\u001f]+/g, ' ').replace(/,\s*([}\]])/g, '$1');
      return JSON.parse(fixed);
    } catch {
      return undefined;
    }
  }
}

const asArray = (v: Json | undefined): Json[] =>
  v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
const isNode = (v: Json | undefined): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

function typesOf(n: Node): string[] {
  return asArray(n['@type']).filter((t): t is string => typeof t === 'string');
}
function hasType(n: Node, re: RegExp): boolean {
  return typesOf(n).some((t) => re.test(t));
}

function str(v: Json | undefined): string | null {
  if (typeof v === 'string') return v.trim() || null;
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return str(v[0]);
  if (isNode(v)) return str(v.name ?? v['@value'] ?? v.value);
  return null;
}

/** Collects top-level items: the document, arrays, @graph, mainEntity; nested related products are not items. */
function topLevelNodes(doc: Json, out: Node[]): void {
  for (const item of asArray(doc)) {
    if (!isNode(item)) continue;
    out.push(item);
    if (item['@graph']) topLevelNodes(item['@graph'], out);
    for (const key of ['mainEntity', 'mainEntityOfPage'])
      if (isNode(item[key]) || Array.isArray(item[key])) topLevelNodes(item[key], out);
  }
}

/** Turns JSON-LD documents into product candidates, resolving {"@id"} references across documents. */
export function productsFromJsonLd(docs: Json[], localCurrency: string | null): ProductCandidate[] {
  const nodes: Node[] = [];
  for (const d of docs) topLevelNodes(d, nodes);
  const byId = new Map<string, Node>();
  const index = (v: Json | undefined, depth = 0): void => {
    if (depth > 8) return;
    for (const item of asArray(v)) {
      if (!isNode(item)) continue;
      if (typeof item['@id'] === 'string' && Object.keys(item).length > 1) byId.set(item['@id'], item);
      for (const val of Object.values(item))
        if (typeof val === 'object' && val !== null) index(val, depth + 1);
    }
  };
  for (const d of docs) index(d);
  const resolve = (v: Json | undefined): Json | undefined => {
    if (isNode(v) && typeof v['@id'] === 'string' && Object.keys(v).length === 1)
      return byId.get(v['@id']) ?? v;
    return v;
  };

  const products: ProductCandidate[] = [];
  const seen = new Set<Node>();
  for (const n of nodes) {
    if (seen.has(n) || !hasType(n, PRODUCT_TYPES)) continue;
    seen.add(n);
    const isBareOffer = hasType(n, /Offer$/i) && !hasType(n, /Product|Vehicle|Car|Book/i);
    const c = candidateFrom(isBareOffer ? { itemOffered: null, offers: n } : n, resolve, localCurrency);
    if (isBareOffer) {
      const offered = resolve(n.itemOffered);
      if (isNode(offered)) {
        c.name = str(offered.name);
        c.sku = c.sku ?? str(offered.sku);
      }
    }
    products.push(c);
  }
  return products;
}

function candidateFrom(
  n: Node,
  resolve: (v: Json | undefined) => Json | undefined,
  local: string | null,
): ProductCandidate {
  const brand = resolve(n.brand) ?? resolve(n.manufacturer);
  const gtin = str(n.gtin13 ?? n.gtin ?? n.gtin12 ?? n.gtin14 ?? n.gtin8 ?? n.isbn);
  const c: ProductCandidate = {
    source: 'json-ld',
    name: str(n.name),
    url: str(n.url),
    prices: [],
    sku: str(n.sku ?? n.productID ?? n.mpn),
    gtin: gtin && /^\d{8,14}$/.test(gtin.replace(/[\s-]/g, '')) ? gtin.replace(/[\s-]/g, '') : gtin,
    brand: isNode(brand) ? str(brand.name) : str(brand),
    availability: null,
    currency: null,
  };
  const visit = (o: Json | undefined, depth: number): void => {
    if (depth > 4) return;
    for (const raw of asArray(resolve(o))) {
      const offer = resolve(raw);
      if (!isNode(offer)) continue;
      const currency = normalizeCurrency(str(offer.priceCurrency), local);
      const availability: Availability | null = normalizeAvailability(str(offer.availability));
      const aggregate = hasType(offer, /AggregateOffer/i);
      const specs = asArray(resolve(offer.priceSpecification)).map(resolve).filter(isNode);
      const direct = offer.price ?? (aggregate ? (offer.lowPrice ?? offer.highPrice) : offer.lowPrice);
      let amount = parseStructuredPrice(direct, { localCurrency: currency ?? local });
      let cur = currency;
      if (amount === null) {
        for (const s of specs) {
          const a = parseStructuredPrice(s.price ?? s.minPrice, { localCurrency: currency ?? local });
          if (a !== null) {
            amount = a;
            cur = cur ?? normalizeCurrency(str(s.priceCurrency), local);
            break;
          }
        }
      }
      if (amount !== null) c.prices.push({ amount, currency: cur, availability, aggregate });
      c.currency = c.currency ?? cur;
      c.availability = c.availability ?? availability;
      if (!c.sku) c.sku = str(offer.sku);
      if (!c.gtin) c.gtin = str(offer.gtin13 ?? offer.gtin ?? offer.gtin12 ?? offer.gtin14 ?? offer.gtin8);
      if (offer.offers) visit(offer.offers, depth + 1);
    }
  };
  visit(n.offers, 0);
  // ProductGroup: variants carry the offers.
  if (c.prices.length === 0 && n.hasVariant) {
    for (const v of asArray(n.hasVariant)) {
      const variant = resolve(v);
      if (isNode(variant)) visit(variant.offers, 0);
    }
  }
  return c;
}
