import { gunzipSync } from 'node:zlib';
import { Parser } from 'htmlparser2';
import { currencyFromUrl, normalizeCurrency } from '../currency.ts';
import { decodeHtmlInChunks } from './decode.ts';
import { type DomNode, isText, textOf, walkElements } from './dom.ts';
import { type Json, parseJsonLd, productsFromJsonLd } from './json-ld.ts';
import { productFromMeta, productsFromMarkup } from './markup.ts';
import { scanRawText } from './raw-text.ts';
import { TreeBuilder } from './tree.ts';
import type { ExtractedProduct, PriceSource, ProductCandidate } from './types.ts';
import { type VisibleCandidate, visiblePriceCandidates } from './visible.ts';

export interface ExtractOptions {
  /** The page URL: its country domain or region path resolves "$", "kr" and unmarked prices. */
  url?: string;
}

// htmlparser2 rather than parse5: several times faster on 1 MB shop pages, and forgiving of broken HTML.
// PARSER_OPTIONS is in cheerio's form (for cheerio.load callers); extraction drives htmlparser2 (the parser
// cheerio uses) directly with the same settings, because only its Parser accepts the page in chunks.
export const PARSER_OPTIONS = { xml: { xmlMode: false, decodeEntities: true } } as const;
const HTMLPARSER2_OPTIONS = PARSER_OPTIONS.xml;

/** Extracts the main product's price and identifiers from HTML (a string, or bytes in any declared charset). */
export function extractProduct(html: string | Uint8Array, opts: ExtractOptions = {}): ExtractedProduct {
  return extractFromDom(parseHtml(html), opts);
}

/**
 * Parses a page with htmlparser2 as cheerio.load(html, PARSER_OPTIONS) does, into the lean tree extraction
 * reads (see tree.ts). Bytes are decoded in chunks, without the script/style bodies extraction never reads
 * (see raw-text.ts).
 */
export function parseHtml(html: string | Uint8Array, chunkBytes?: number): DomNode {
  const builder = new TreeBuilder();
  const parser = new Parser(builder, HTMLPARSER2_OPTIONS);
  if (typeof html === 'string') parser.end(html);
  else {
    // A page that ends inside a tag or comment is parsed in one piece (see RawTextScan.complete).
    let whole = false;
    const pieces: string[] = [];
    decodeHtmlInChunks(html, null, (text) => (whole ? pieces.push(text) : parser.write(text)), {
      leaveOut: (body) => {
        const scan = scanRawText(body);
        whole = !scan.complete;
        return scan.drops;
      },
      chunkBytes,
    });
    parser.end(whole ? pieces.join('') : undefined);
  }
  return builder.root;
}

/** Reads .html or .html.gz bytes (gzip detected by magic number) and extracts. */
export function extractProductFromBytes(bytes: Uint8Array, opts: ExtractOptions = {}): ExtractedProduct {
  const body = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzip(bytes) : bytes;
  return extractProduct(body, opts);
}

/**
 * gunzipSync with its output chunk sized from the gzip trailer's ISIZE (the uncompressed length mod 2^32), so
 * zlib usually writes one buffer instead of many 16 KB ones that are then concatenated. ISIZE is only a hint:
 * the output is the same whatever the chunk size, and it is capped so a lying trailer cannot make us
 * allocate much.
 */
function gunzip(bytes: Uint8Array): Buffer {
  const n = bytes.length;
  const isize =
    n >= 18 ? (bytes[n - 4] | (bytes[n - 3] << 8) | (bytes[n - 2] << 16) | (bytes[n - 1] << 24)) >>> 0 : 0;
  return gunzipSync(bytes, { chunkSize: Math.min(Math.max(isize + 64, 16 * 1024), 32 * 1024 * 1024) });
}

const SOURCES: PriceSource[] = ['json-ld', 'microdata', 'rdfa', 'meta'];

function words(s: string | null | undefined): Set<string> {
  return new Set(
    (s ?? '')
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter((w) => w.length > 1),
  );
}
function overlap(a: Set<string>, b: Set<string>): number {
  if (!a.size || !b.size) return 0;
  let n = 0;
  for (const w of a) if (b.has(w)) n++;
  return n / Math.min(a.size, b.size);
}

/** Picks the page's main product among several (the one named like the h1/og:title, else the first priced). */
function mainProduct(cands: ProductCandidate[], title: Set<string>): ProductCandidate | undefined {
  const priced = cands.filter((c) => c.prices.length > 0);
  const pool = priced.length ? priced : cands;
  if (pool.length <= 1) return pool[0];
  let best = pool[0];
  let bestScore = -1;
  for (const c of pool) {
    const s = overlap(words(c.name), title);
    if (s > bestScore + 0.2) {
      best = c;
      bestScore = s;
    }
  }
  return best;
}

function localCurrencyOf(url: string | undefined, lang: string, metas: Map<string, string>): string | null {
  const fromUrl = currencyFromUrl(url ?? metas.get('og:url'));
  if (fromUrl) return fromUrl;
  const region = (lang || metas.get('og:locale') || '').split(/[-_]/)[1];
  return region ? currencyFromUrl(`https://x.${region.toLowerCase()}/`) : null;
}

export function extractFromDom(root: DomNode, opts: ExtractOptions = {}): ExtractedProduct {
  // One pass for the page-level facts: meta tags, JSON-LD, language, title, and whether microdata/RDFa exist.
  const metas = new Map<string, string>();
  const ldTexts: string[] = [];
  let h1Text = '';
  let titleText = '';
  let lang = '';
  let canonical: string | undefined;
  let hasMicrodata = false;
  let hasRdfa = false;
  walkElements(root, (el) => {
    const a = el.attribs;
    switch (el.name) {
      case 'script':
        if ((a.type ?? '').toLowerCase().includes('ld+json'))
          ldTexts.push(el.children.map((c) => (isText(c) ? c.data : '')).join(''));
        return false;
      case 'style':
        return false;
      case 'meta': {
        const key = (a.property ?? a.name ?? '').toLowerCase();
        if (key && a.content !== undefined && !metas.has(key)) metas.set(key, a.content);
        break;
      }
      case 'html':
        lang = a.lang ?? a['xml:lang'] ?? '';
        break;
      case 'link':
        if (a.rel === 'canonical' && a.href) canonical = a.href;
        break;
      case 'h1':
        if (!h1Text) h1Text = textOf(el, 300);
        break;
      case 'title':
        if (!titleText) titleText = textOf(el, 300);
        break;
    }
    if (!hasMicrodata && a.itemscope !== undefined) hasMicrodata = true;
    if (!hasRdfa && a.typeof !== undefined) hasRdfa = true;
    return true;
  });
  const local = localCurrencyOf(opts.url ?? canonical, lang, metas);
  const ldDocs: Json[] = [];
  for (const t of ldTexts) {
    const doc = parseJsonLd(t);
    if (doc !== undefined) ldDocs.push(doc);
  }
  const title = words(`${h1Text} ${metas.get('og:title') ?? ''}`);

  const bySource: Record<string, ProductCandidate | undefined> = {
    'json-ld': mainProduct(productsFromJsonLd(ldDocs, local), title),
    microdata: hasMicrodata ? mainProduct(productsFromMarkup(root, false, local), title) : undefined,
    rdfa: hasRdfa ? mainProduct(productsFromMarkup(root, true, local), title) : undefined,
    meta: productFromMeta(metas, local) ?? undefined,
  };
  const all = SOURCES.map((s) => bySource[s]).filter((c): c is ProductCandidate => !!c);
  const pick = <K extends 'sku' | 'gtin' | 'brand' | 'availability' | 'name' | 'currency'>(
    k: K,
  ): ProductCandidate[K] | null => {
    for (const c of all) if (c[k]) return c[k];
    return null;
  };

  // A zero or absurd structured price means "not for sale / ask": treat it as no price.
  let absurdPrice: string | null = null;
  for (const c of all) {
    const sane = c.prices.filter((p) => Number(p.amount) > 0 && Number(p.amount) < 1e9);
    if (sane.length < c.prices.length)
      absurdPrice ??= c.prices.find((p) => !sane.includes(p))?.amount ?? null;
    c.prices = sane;
  }
  const structured = all.find((c) => c.prices.length > 0);
  const visible = visiblePriceCandidates(root, {
    localCurrency: local,
    productName: structured?.name ?? pick('name') ?? metas.get('og:title') ?? titleText,
  });

  let price: string | null = null;
  let currency: string | null = null;
  let source: PriceSource | null = null;
  if (structured) {
    const chosen = chooseStructuredPrice(structured, visible);
    price = chosen.amount;
    currency = chosen.currency;
    source = structured.source;
    // Markup often carries the regular price while the page shows a discount: when the page presents the
    // marked-up amount only as a superseded price and a confident lower current price exists, prefer it.
    const top = visible[0];
    if (top && top.amount !== price && !top.old && top.score >= 6 && Number(top.amount) < Number(price)) {
      const shownAsOld = visible.some((v) => v.amount === price && v.old);
      const shownAsCurrent = visible.some((v) => v.amount === price && !v.old && v.score > 0);
      if (shownAsOld && !shownAsCurrent) {
        price = top.amount;
        currency = top.currency ?? currency;
        source = 'text';
      }
    }
  } else {
    const top = visible[0];
    if (top && top.score >= 4) {
      price = top.amount;
      currency = top.currency;
      source = 'text';
    }
  }
  currency =
    currency ??
    structured?.currency ??
    pick('currency') ??
    normalizeCurrency(metas.get('product:price:currency') ?? metas.get('og:price:currency'), local) ??
    (price !== null ? local : null);

  return {
    price,
    currency,
    availability: pick('availability'),
    sku: pick('sku'),
    gtin: pick('gtin'),
    brand: pick('brand'),
    name: pick('name') ?? (h1Text || null),
    source,
    absurdPrice: price === null ? absurdPrice : null,
  };
}

/** Among a product's offer prices, prefer one the page shows as current; otherwise the first non-aggregate. */
function chooseStructuredPrice(
  p: ProductCandidate,
  visible: VisibleCandidate[],
): { amount: string; currency: string | null } {
  const distinct = [...new Map(p.prices.map((x) => [x.amount, x])).values()];
  if (distinct.length === 1) return distinct[0];
  const shown = visible.find((v) => !v.old && distinct.some((d) => d.amount === v.amount));
  if (shown) return distinct.find((d) => d.amount === shown.amount)!;
  return distinct.find((d) => !d.aggregate) ?? distinct[0];
}
