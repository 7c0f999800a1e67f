import { normalizeCurrency } from '../currency.ts';
import { parseStructuredPrice } from '../parse-price.ts';
import { type DomElement, type DomNode, isElement, textOf, walkElements } from './dom.ts';
import { normalizeAvailability, type PriceSource, type ProductCandidate } from './types.ts';

/** A microdata item (itemscope) or an RDFa resource (typeof): its type and property values. */
interface Item {
  types: string[];
  props: Map<string, (string | Item)[]>;
}

const stripVocab = (t: string) =>
  t
    .replace(/^https?:\/\/(?:www\.)?(?:schema\.org|data-vocabulary\.org)\//i, '')
    .replace(/^(?:schema|s|sdo|gr|og|product):/i, '');

function propValue(el: DomElement, rdfa: boolean): string {
  const a = el.attribs;
  if (a.content !== undefined) return a.content;
  if (rdfa && a.resource !== undefined) return a.resource;
  switch (el.name) {
    case 'meta':
      return a.content ?? '';
    case 'link':
    case 'a':
    case 'area':
      return a.href ?? textOf(el);
    case 'img':
    case 'source':
      return a.src ?? '';
    case 'data':
    case 'meter':
    case 'input':
      return a.value ?? textOf(el);
    case 'time':
      return a.datetime ?? textOf(el);
    default:
      return textOf(el, 200);
  }
}

/**
 * Collects microdata (itemscope/itemtype/itemprop) or RDFa (typeof/property) items. Properties are attached to
 * the nearest enclosing item; an element that is both a property and a new item becomes a nested item value.
 */
function collectItems(root: DomNode, rdfa: boolean): Item[] {
  const scopeAttr = rdfa ? 'typeof' : 'itemscope';
  const propAttr = rdfa ? 'property' : 'itemprop';
  const items: Item[] = [];
  const owner = new Map<DomNode, Item>();
  const nearest = (el: DomElement): Item | undefined => {
    for (let p = el.parent; p; p = p.parent) {
      const it = owner.get(p);
      if (it) return it;
    }
    return undefined;
  };
  walkElements(root, (el) => {
    const a = el.attribs;
    const isScope = a[scopeAttr] !== undefined;
    const prop = a[propAttr];
    const parentItem = prop !== undefined || isScope ? nearest(el) : undefined;
    let own: Item | undefined;
    if (isScope) {
      const typeStr = rdfa ? a.typeof : (a.itemtype ?? '');
      own = { types: typeStr.split(/\s+/).filter(Boolean).map(stripVocab), props: new Map() };
      owner.set(el, own);
      items.push(own);
    }
    if (prop !== undefined && parentItem) {
      const value: string | Item = own ?? propValue(el, rdfa);
      for (const name of prop.split(/\s+/).filter(Boolean).map(stripVocab)) {
        const list = parentItem.props.get(name) ?? [];
        list.push(value);
        parentItem.props.set(name, list);
      }
    }
    return true;
  });
  return items;
}

const first = (it: Item, ...names: string[]): string | null => {
  for (const n of names) {
    for (const v of it.props.get(n) ?? []) {
      if (typeof v === 'string' && v.trim()) return v.trim();
      if (typeof v !== 'string') {
        const nm = first(v, 'name');
        if (nm) return nm;
      }
    }
  }
  return null;
};

const isProductType = (t: string[]) =>
  t.some((x) => /^(?:Product|IndividualProduct|ProductModel|Vehicle|Car|Book)$/i.test(x));
const isOfferType = (t: string[]) => t.some((x) => /Offer$/i.test(x));

function candidateFromItem(it: Item, source: PriceSource, local: string | null): ProductCandidate {
  const c: ProductCandidate = {
    source,
    name: first(it, 'name'),
    url: first(it, 'url'),
    prices: [],
    sku: first(it, 'sku', 'productID', 'identifier', 'mpn'),
    gtin: first(it, 'gtin13', 'gtin', 'gtin12', 'gtin14', 'gtin8', 'isbn'),
    brand: first(it, 'brand', 'manufacturer'),
    availability: normalizeAvailability(first(it, 'availability')),
    currency: null,
  };
  const addOffer = (o: Item, depth: number) => {
    if (depth > 3) return;
    const currency = normalizeCurrency(first(o, 'priceCurrency', 'currency'), local);
    const aggregate = o.types.some((t) => /AggregateOffer/i.test(t));
    const raw = first(o, 'price', 'lowPrice', 'highPrice');
    let amount = parseStructuredPrice(raw, { localCurrency: currency ?? local });
    if (amount === null) {
      for (const s of o.props.get('priceSpecification') ?? []) {
        if (typeof s !== 'string')
          amount = parseStructuredPrice(first(s, 'price'), { localCurrency: currency ?? local });
        if (amount !== null) break;
      }
    }
    const availability = normalizeAvailability(first(o, 'availability'));
    if (amount !== null) c.prices.push({ amount, currency, availability, aggregate });
    c.currency = c.currency ?? currency;
    c.availability = c.availability ?? availability;
    c.sku = c.sku ?? first(o, 'sku');
    c.gtin = c.gtin ?? first(o, 'gtin13', 'gtin', 'gtin12', 'gtin14', 'gtin8');
    for (const nested of o.props.get('offers') ?? [])
      if (typeof nested !== 'string') addOffer(nested, depth + 1);
  };
  // Price properties directly on the product (common in sloppy markup), then the offers.
  if (it.props.has('price')) addOffer(it, 0);
  for (const o of it.props.get('offers') ?? []) if (typeof o !== 'string') addOffer(o, 0);
  return c;
}

/** Products (or stand-alone offers) from microdata or RDFa. Items nested inside another product are skipped. */
export function productsFromMarkup(root: DomNode, rdfa: boolean, local: string | null): ProductCandidate[] {
  const items = collectItems(root, rdfa);
  const nestedValues = new Set<Item>();
  for (const it of items)
    for (const vals of it.props.values())
      for (const v of vals) if (typeof v !== 'string') nestedValues.add(v);
  const out: ProductCandidate[] = [];
  for (const it of items) {
    if (nestedValues.has(it) && !isOfferType(it.types)) continue;
    if (isProductType(it.types)) out.push(candidateFromItem(it, rdfa ? 'rdfa' : 'microdata', local));
    else if (isOfferType(it.types) && !nestedValues.has(it))
      out.push(
        candidateFromItem(
          { types: [], props: new Map([['offers', [it]]]) },
          rdfa ? 'rdfa' : 'microdata',
          local,
        ),
      );
  }
  return out;
}

/** OpenGraph / product meta tags (og:price:amount, product:price:amount, …) plus stray itemprop metas. */
export function productFromMeta(metas: Map<string, string>, local: string | null): ProductCandidate | null {
  const get = (...keys: string[]) => {
    for (const k of keys) {
      const v = metas.get(k);
      if (v?.trim()) return v.trim();
    }
    return null;
  };
  const currency = normalizeCurrency(
    get(
      'product:price:currency',
      'og:price:currency',
      'product:sale_price:currency',
      'twitter:data1:currency',
    ),
    local,
  );
  const amount =
    parseStructuredPrice(get('product:sale_price:amount', 'og:sale_price:amount'), {
      localCurrency: currency ?? local,
    }) ??
    parseStructuredPrice(
      get('product:price:amount', 'og:price:amount', 'og:price', 'product:price', 'price'),
      {
        localCurrency: currency ?? local,
      },
    );
  const c: ProductCandidate = {
    source: 'meta',
    name: get('og:title'),
    url: get('og:url'),
    prices: amount ? [{ amount, currency, availability: null }] : [],
    sku: get('product:retailer_item_id', 'product:sku', 'og:sku'),
    gtin: get('product:gtin', 'product:ean', 'og:upc', 'og:ean'),
    brand: get('product:brand', 'og:brand'),
    availability: normalizeAvailability(get('product:availability', 'og:availability')),
    currency,
  };
  return c.prices.length || c.sku || c.brand ? c : null;
}

/** Collects <meta property|name|itemprop=... content=...> outside itemscopes, lower-cased keys. */
export function collectMetas(root: DomNode): Map<string, string> {
  const metas = new Map<string, string>();
  walkElements(root, (el) => {
    if (el.name === 'meta') {
      const key = (el.attribs.property ?? el.attribs.name ?? '').toLowerCase();
      if (key && el.attribs.content !== undefined && !metas.has(key)) metas.set(key, el.attribs.content);
    }
    return el.name !== 'script' && el.name !== 'style';
  });
  return metas;
}

export { isElement };
