import { findCurrencyInText } from '../currency.ts';
import { parsePrice } from '../parse-price.ts';
import { type DomElement, type DomNode, isElement, isText, textOf } from './dom.ts';

/**
 * Visible-text heuristics: the main price is a short text carrying a currency or a "price" class, near the
 * product title (h1) and the buy button, not struck through, not a "was"/"from"/per-unit price, and not inside
 * related-products, navigation, cart or footer regions. Each cue adds or removes points; the best score wins.
 */
export interface VisibleCandidate {
  amount: string;
  currency: string | null;
  score: number;
  /** Document order of the element (elements counted in pre-order). */
  order: number;
  text: string;
  /** True when the price is presented as superseded (struck through, "was", "old", "RRP"). */
  old: boolean;
}

const PRICE_SIG =
  /price|prix|preis|precio|prezzo|preco|preço|cena|fiyat|amount|cost|pric|kaina|hinta|pris\b|tarif|цена|價|价/i;
const MAIN_SIG =
  /sale|special|current|final|now|actual|offer|our|deal|promo|selling|main|primary|big|large|product|value|total/i;
const OLD_SIG =
  /old|was|regular|list|strike|compare|original|before|rrp|msrp|uvp|crossed|previous|retail|save|saving|discount|reduction|instal|monthly|per[-_]?unit|unit[-_]?price|base[-_]?price|shipping|delivery|points|range|strikethrough|through|vorher|alt\b|ancien|barr|tachado|crossout|cross-out/i;
const REGION_TOKEN =
  /^(?:[\w-]*[-_])?(?:related|recommend\w*|similar\w*|carousel|upsells?|cross[-_]?sells?|recently\w*|also\w*|footer|nav|navbar|navigation|menu|mega\w*|minicart|mini[-_]cart|cart[-_]?drawer|side[-_]?cart|mini[-_]?basket|sidebar|reviews?|suggest\w*|sponsored|compare|bundle\w*|accessor\w*|complete[-_]?the[-_]?look|others|more[-_]?from|you[-_]?may|slider|swiper|slick|owl|listing|search[-_]?results?)(?:[-_][\w-]*)?$/i;
const REGION_TAGS = new Set(['footer', 'nav', 'aside', 'header']);
const SKIP_TAGS = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'svg',
  'head',
  'select',
  'option',
  'textarea',
  'iframe',
]);
const STRIKE_TAGS = new Set(['del', 's', 'strike']);
const FROM_TEXT =
  /(?:^|\s)(?:from|ab|desde|à partir de|a partir de|da|vanaf|od|från|fra|starting at|as low as|was|statt|instead of|rrp|uvp|list price|reg\.?|save|you save|spare|économisez|ahorra|risparmi)(?:\s|:|$)|\/\s*(?:kg|g|l|ml|m|m²|m2|100\s?g|100\s?ml|st|stk|pc|piece|unit|month|mo|mes|mois|monat)\b|\bper\s|\bpro\s|\bje\s|%|\bx\s*\d|\d\s*x\b/i;
const BUY_TEXT =
  /add to (?:cart|bag|basket|trolley)|buy now|buy it now|in den warenkorb|warenkorb|ajouter au panier|aggiungi al carrello|añadir a la cesta|añadir al carrito|agregar al carrito|comprar|adicionar|toevoegen|dodaj do koszyka|do košíku|kosárba|sepete ekle|в корзину|купить|加入購物車|加入购物车|カートに入れる|أضف إلى|הוסף לסל|lisää ostoskoriin|lägg i varukorg|legg i handlekurv|læg i kurv|în coș|u košaricu|ostukorvi/i;

interface Ctx {
  struck: boolean;
  hidden: boolean;
  region: boolean;
  priceAncestor: boolean;
  oldAncestor: boolean;
}

function sigOf(el: DomElement): string {
  const a = el.attribs;
  let s = `${a.id ?? ''} ${a.class ?? ''} ${a.itemprop ?? ''}`;
  for (const k in a)
    if (k.startsWith('data-') && k.length < 30) s += ` ${k.slice(5)} ${a[k].length < 40 ? a[k] : ''}`;
  return s;
}

function isRegion(el: DomElement): boolean {
  if (REGION_TAGS.has(el.name)) return true;
  const a = el.attribs;
  const tokens = `${a.id ?? ''} ${a.class ?? ''} ${a['data-component'] ?? ''}`.split(/\s+/);
  for (const t of tokens) if (t && t.length < 60 && REGION_TOKEN.test(t)) return true;
  return false;
}

function directText(el: DomElement): string {
  let s = '';
  for (const c of el.children) if (isText(c)) s += c.data;
  return s;
}

export interface VisibleOptions {
  localCurrency: string | null;
  /** Product name from structured data or og:title, to find the right h1. */
  productName?: string | null;
}

export function visiblePriceCandidates(root: DomNode, opts: VisibleOptions): VisibleCandidate[] {
  const raw: (VisibleCandidate & { sigScore: number })[] = [];
  let order = 0;
  const h1s: { order: number; region: boolean; text: string }[] = [];
  const buyOrders: number[] = [];
  const visit = (el: DomElement, ctx: Ctx): void => {
    order++;
    const myOrder = order;
    const name = el.name;
    if (SKIP_TAGS.has(name)) return;
    const a = el.attribs;
    const style = a.style ?? '';
    const sig = sigOf(el);
    const priceSig = PRICE_SIG.test(sig);
    const oldSig = OLD_SIG.test(sig);
    const next: Ctx = {
      struck: ctx.struck || STRIKE_TAGS.has(name) || /line-through/i.test(style),
      hidden:
        ctx.hidden || a.hidden !== undefined || /display\s*:\s*none|visibility\s*:\s*hidden/i.test(style),
      region: ctx.region || isRegion(el),
      priceAncestor: ctx.priceAncestor || priceSig,
      oldAncestor:
        ctx.oldAncestor ||
        (priceSig && oldSig) ||
        /\b(?:old|was|regular|list|original|compare)[-_]?price/i.test(sig),
    };
    if (name === 'h1') h1s.push({ order: myOrder, region: next.region, text: textOf(el, 300) });
    if (
      (name === 'button' || name === 'input' || name === 'a') &&
      BUY_TEXT.test(
        `${a.value ?? ''} ${a.title ?? ''} ${a['aria-label'] ?? ''} ${sig} ${name === 'input' ? '' : textOf(el, 60)}`,
      )
    )
      buyOrders.push(myOrder);
    if (name !== 'button') {
      const own = directText(el);
      const ownHasDigit = /\d/.test(own);
      if (priceSig || (ownHasDigit && own.length < 80)) {
        const text = textOf(el, 120);
        if (text.length > 0 && text.length <= 70 && /\d/.test(text)) {
          const currency = findCurrencyInText(text, opts.localCurrency);
          if (priceSig || currency) {
            const parsed = parsePrice(text, { localCurrency: opts.localCurrency });
            if (parsed && Number(parsed.amount) > 0 && Number(parsed.amount) < 1e9) {
              let sigScore = 0;
              if (priceSig) sigScore += 3;
              if (next.priceAncestor && !priceSig) sigScore += 1;
              if (priceSig && MAIN_SIG.test(sig)) sigScore += 1;
              if (a.itemprop === 'price' || a.property === 'price') sigScore += 1;
              let score = sigScore;
              if (currency) score += 2;
              const old = next.struck || oldSig || next.oldAncestor;
              if (next.struck) score -= 6;
              if (oldSig || next.oldAncestor) score -= 4;
              if (next.region) score -= 4;
              if (next.hidden) score -= 2;
              if (FROM_TEXT.test(text)) score -= 3;
              if (text.replace(/[\d\s.,'’]/g, '').length > 12) score -= 1;
              raw.push({
                amount: parsed.amount,
                currency: parsed.currency,
                score,
                order: myOrder,
                text,
                old,
                sigScore,
              });
            }
          }
        }
      }
    }
    for (const c of el.children) if (isElement(c)) visit(c, next);
  };
  const start: Ctx = {
    struck: false,
    hidden: false,
    region: false,
    priceAncestor: false,
    oldAncestor: false,
  };
  for (const c of (root as DomElement).children ?? []) if (isElement(c)) visit(c, start);

  // Proximity: the main price sits a short way after the title and close to the buy button.
  const h1 = chooseTitle(h1s, opts.productName ?? null);
  const buy = buyOrders.find((b) => h1 === undefined || b > h1) ?? buyOrders[0];
  for (const c of raw) {
    if (h1 !== undefined) {
      const d = c.order - h1;
      c.score += d >= 0 ? 4 * Math.max(0, 1 - d / 600) : 2 * Math.max(0, 1 + d / 300);
    }
    if (buy !== undefined) c.score += 2 * Math.max(0, 1 - Math.abs(c.order - buy) / 400);
    c.score -= c.order / (order + 1); // gentle preference for earlier prices
  }
  return raw.sort((x, y) => y.score - x.score || x.order - y.order);
}

const wordSet = (s: string) =>
  new Set(
    s
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter((w) => w.length > 1),
  );

/** The product title: the h1 most like the product name, else the first h1 outside navigation regions. */
function chooseTitle(
  h1s: { order: number; region: boolean; text: string }[],
  productName: string | null,
): number | undefined {
  if (h1s.length === 0) return undefined;
  if (productName && h1s.length > 1) {
    const name = wordSet(productName);
    let best: { order: number; score: number } | undefined;
    for (const h of h1s) {
      const w = wordSet(h.text);
      let n = 0;
      for (const x of w) if (name.has(x)) n++;
      const score = w.size && name.size ? n / Math.min(w.size, name.size) : 0;
      if (score > 0.3 && (!best || score > best.score)) best = { order: h.order, score };
    }
    if (best) return best.order;
  }
  return (h1s.find((h) => !h.region) ?? h1s[0]).order;
}
