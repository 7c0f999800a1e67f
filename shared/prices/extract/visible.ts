import { currencyMarks, findCurrencyInText } from '../currency.ts';
import { numberTokens, type ParsedPrice, parsePrice } from '../parse-price.ts';
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
  /^(?:[\w-]*[-_])?(?:related|recommend\w*|similar\w*|carousel|upsells?|cross[-_]?sells?|recently\w*|also\w*|footer|nav|navbar|navigation|menu|mega\w*|minicart|mini[-_]cart|cart[-_]?drawer|side[-_]?cart|mini[-_]?basket|sidebar|reviews?|suggest\w*|sponsored|compare|bundle\w*|accessor\w*|complete[-_]?the[-_]?look|others|more[-_]?from|you[-_]?may|slider|swiper|slick|owl|listing|search[-_]?results?|swatch(?:es)?)(?:[-_][\w-]*)?$/i;
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
  /(?:^|\s)(?:from|ab|desde|à partir de|a partir de|da|vanaf|od|från|fra|starting at|as low as|was|statt|instead of|rrp|uvp|list price|reg\.?|save|you save|spare|économisez|ahorra|risparmi)(?:\s|:|$)|\/\s*(?:kg|g|l|ml|m|m²|m2|100\s?g|100\s?ml|st|stk|pc|piece|unit|month|mo|mes|mois|monat)\b|\bper\s|\bpro\s|\bje\s|%|\bx\s*\d|\d\s*x\b|每期|每月|分期|monthly|per month|al mese|pro monat|par mois|al mes|\/\s*mes\b|cuotas?|rate da|raten/i;
/** Words that present a price as the superseded or reference one. */
const OLD_TEXT =
  /建議售價|原價|原价|市價|市价|定価|参考価格|希望小売価格|\b(?:rrp|uvp|msrp|was|statt|ehemals|vorher|antes|avant|prima)\b|prix conseillé|prezzo consigliato|precio anterior|list price|regular price|старая цена|было/i;
const BUY_TEXT =
  /add to (?:cart|bag|basket|trolley)|buy now|buy it now|in den warenkorb|warenkorb|ajouter au panier|aggiungi al carrello|añadir a la cesta|añadir al carrito|agregar al carrito|comprar|adicionar|toevoegen|dodaj do koszyka|do košíku|kosárba|sepete ekle|в корзину|купить|加入購物車|加入购物车|カートに入れる|أضف إلى|הוסף לסל|lisää ostoskoriin|lägg i varukorg|legg i handlekurv|læg i kurv|în coș|u košaricu|ostukorvi/i;

interface Ctx {
  struck: boolean;
  hidden: boolean;
  region: boolean;
  priceAncestor: boolean;
  oldAncestor: boolean;
}

const TEST_ID_ATTRS = ['data-testid', 'data-test', 'data-qa', 'data-automation-id', 'data-component'];

/** The element's naming signals: id, class, itemprop, data-* attribute names and test ids. */
function sigOf(a: Record<string, string>): string {
  let s = '';
  for (const k in a) {
    if (k === 'id' || k === 'class' || k === 'itemprop') s += ` ${a[k]}`;
    else if (k.startsWith('data-')) s += TEST_ID_ATTRS.includes(k) ? ` ${k} ${a[k]}` : ` ${k}`;
  }
  return s;
}

function isRegion(name: string, a: Record<string, string>, memo: Map<string, boolean>): boolean {
  if (REGION_TAGS.has(name)) return true;
  // The tokens of `${id} ${class}` are those of the id and those of the class: each string is tested once
  // per page (pages repeat the same id/class strings on thousands of elements), without joining them.
  const id = a.id;
  const cls = a.class;
  return (
    (id !== undefined && id !== '' && partIsRegion(id, memo)) ||
    (cls !== undefined && cls !== '' && partIsRegion(cls, memo))
  );
}

function partIsRegion(ids: string, memo: Map<string, boolean>): boolean {
  const known = memo.get(ids);
  if (known !== undefined) return known;
  let region = false;
  for (const t of ids.split(/\s+/))
    if (t && t.length < 60 && REGION_TOKEN.test(t) && !/price|prix|preis/i.test(t)) {
      region = true;
      break;
    }
  memo.set(ids, region);
  return region;
}

const CUE_PRICE = 1;
const CUE_OLD = 2;
const CUE_OLD_PRICE = 4;
const OLD_PRICE_NAME = /\b(?:old|was|regular|list|original|compare)[-_]?price/i;

const BLOCK = new Set([
  'br',
  'div',
  'p',
  'li',
  'td',
  'th',
  'tr',
  'dd',
  'dt',
  'h1',
  'h2',
  'h3',
  'h4',
  'section',
]);
const TEXT_LIMIT = 120;
const HAS_DIGIT = /\d/;

/** Length of a text node without leading/trailing whitespace, counting an inner run as one (approximate). */
function trimmedLength(s: string): number {
  let i = 0;
  let j = s.length;
  while (i < j && s.charCodeAt(i) <= 32) i++;
  while (j > i && s.charCodeAt(j - 1) <= 32) j--;
  return j > i ? j - i + 1 : 0;
}
const BIG_FONT = /font(?:-size)?\s*:[^;]*?(\d{2,3})px/i;

export interface VisibleOptions {
  localCurrency: string | null;
  /** Product name from structured data or og:title, to find the right h1. */
  productName?: string | null;
}

/**
 * State of one page's walk. The walk functions are module-level rather than closures made per page, so V8
 * keeps one set of type feedback and optimised code across pages instead of re-learning it for every page.
 */
class Walk {
  raw: (VisibleCandidate & { cues: { from: boolean; old: boolean } })[] = [];
  order = 0;
  h1s: { order: number; region: boolean; text: string }[] = [];
  buyOrders: number[] = [];
  oldAt = new Map<string, number[]>();
  // Naming cues: rather than building sigOf's string for every element and scanning it with three patterns,
  // each attribute part is scanned once per page (class lists and attribute names repeat heavily) and the
  // results are OR-ed. That is exact: no pattern contains a space, so none can match across sigOf's space
  // separators, and \b behaves the same at a part's edge as next to a space. sigOf is still built where its
  // text is used (buy-button labels, MAIN_SIG on candidates).
  regionMemo = new Map<string, boolean>();
  partMemo = new Map<string, number>();
  textFacts = new Map<string, TextFacts>();
  opts: VisibleOptions;
  constructor(opts: VisibleOptions) {
    this.opts = opts;
  }
}

function partCues(w: Walk, part: string): number {
  let m = w.partMemo.get(part);
  if (m === undefined) {
    m =
      (PRICE_SIG.test(part) ? CUE_PRICE : 0) |
      (OLD_SIG.test(part) ? CUE_OLD : 0) |
      (OLD_PRICE_NAME.test(part) ? CUE_OLD_PRICE : 0);
    w.partMemo.set(part, m);
  }
  return m;
}

/** Same as testing the three patterns on sigOf(a). */
function attrCues(w: Walk, a: Record<string, string>): number {
  let m = 0;
  for (const k in a) {
    if (k === 'id' || k === 'class' || k === 'itemprop') m |= partCues(w, a[k]);
    else if (k.startsWith('data-')) {
      m |= partCues(w, k);
      if (TEST_ID_ATTRS.includes(k)) m |= partCues(w, a[k]);
    }
  }
  return m;
}

/**
 * Visits an element; returns -1 when its text is long, else (approximate length << 1) | hasDigit.
 * Candidates are scored bottom-up, so descendants are scored before their containers.
 */
function visit(w: Walk, el: DomElement, ctx: Ctx): number {
  const myOrder = ++w.order;
  const name = el.name;
  if (SKIP_TAGS.has(name)) return 0;
  const a = el.attribs;
  let next = ctx;
  let priceSig = false;
  let oldSig = false;
  let bigFont = false;
  // Fast path: elements without attributes carry no signal (only their tag can).
  let hasAttrs = false;
  for (const _ in a) {
    hasAttrs = true;
    break;
  }
  if (hasAttrs || STRIKE_TAGS.has(name) || REGION_TAGS.has(name)) {
    const style = a.style ?? '';
    const cues = attrCues(w, a);
    priceSig = (cues & CUE_PRICE) !== 0;
    oldSig = (cues & CUE_OLD) !== 0;
    const fm = style ? BIG_FONT.exec(style) : null;
    bigFont = fm !== null && Number(fm[1]) >= 18;
    const struck = ctx.struck || STRIKE_TAGS.has(name) || (style !== '' && /line-through/i.test(style));
    const hidden =
      ctx.hidden ||
      a.hidden !== undefined ||
      (style !== '' && /display\s*:\s*none|visibility\s*:\s*hidden/i.test(style));
    const region = ctx.region || isRegion(name, a, w.regionMemo);
    const priceAncestor = ctx.priceAncestor || priceSig;
    const oldAncestor = ctx.oldAncestor || (priceSig && oldSig) || (cues & CUE_OLD_PRICE) !== 0;
    // Most elements change no flag: sharing the parent's context saves an allocation per element.
    if (
      struck !== ctx.struck ||
      hidden !== ctx.hidden ||
      region !== ctx.region ||
      priceAncestor !== ctx.priceAncestor ||
      oldAncestor !== ctx.oldAncestor
    )
      next = { struck, hidden, region, priceAncestor, oldAncestor };
  }

  // Bottom-up we only track the approximate visible length and whether a digit occurs; the text itself is
  // built (textOf) only for the few short elements that contain digits. This keeps allocation low.
  let len = 0;
  let digit = false;
  let long = false;
  const kids = el.children;
  for (let i = 0; i < kids.length; i++) {
    const c = kids[i];
    if (isText(c)) {
      if (!long) {
        const d = c.data;
        len += trimmedLength(d);
        if (!digit && HAS_DIGIT.test(d)) digit = true;
      }
    } else if (isElement(c)) {
      const r = visit(w, c, next);
      if (long) continue;
      if (r < 0) long = true;
      else {
        len += r >> 1;
        if (r & 1) digit = true;
      }
    }
    if (len > TEXT_LIMIT) long = true;
  }

  if (name === 'h1') w.h1s.push({ order: myOrder, region: next.region, text: textOf(el, 300) });
  if (name === 'button' || name === 'input' || name === 'a') {
    const label = `${a.value ?? ''} ${a.title ?? ''} ${a['aria-label'] ?? ''} ${sigOf(a)} ${!long && len < 60 ? textOf(el, 60) : ''}`;
    if (BUY_TEXT.test(label)) w.buyOrders.push(myOrder);
  }
  if (long) return -1;
  if (digit && len <= 90 && name !== 'button' && name !== 'a') {
    const text = textOf(el, TEXT_LIMIT);
    if (text.length <= 70) scoreCandidate(w, text, myOrder, a, priceSig, oldSig, bigFont, next);
  }
  return (Math.min(len + (BLOCK.has(name) ? 1 : 0), TEXT_LIMIT) << 1) | (digit ? 1 : 0);
}

/**
 * What scoring reads from a candidate's text alone. Nested elements often carry the same short text
 * ("<div><span><b>12,99 €</b></span></div>"), so it is worked out once per distinct text on a page.
 */
interface TextFacts {
  currency: string | null;
  /** Filled on first need: only texts with a currency or a price-named element get this far. */
  more?: {
    parsed: ParsedPrice | null;
    oldTextual: boolean;
    fromText: boolean;
    /** Distinct price-like number tokens, and how many price-like tokens there are. */
    amounts: number;
    priceLike: number;
    wordy: boolean;
  };
}

function textFacts(w: Walk, text: string): TextFacts {
  let f = w.textFacts.get(text);
  if (f === undefined) {
    f = { currency: findCurrencyInText(text, w.opts.localCurrency) };
    w.textFacts.set(text, f);
  }
  return f;
}

function moreFacts(w: Walk, text: string, f: TextFacts): NonNullable<TextFacts['more']> {
  if (f.more) return f.more;
  // Price-like numbers are those touching a currency mark or written with cents.
  const marks = currencyMarks(text);
  const amounts = new Set<string>();
  let priceLike = 0;
  for (const n of numberTokens(text)) {
    const end = n.index + n.token.length;
    const touches = marks.some(([ms, me]) => (ms >= end ? ms - end : n.index - me) <= 2);
    if (touches || /\d[.,]\d\d$/.test(n.token)) {
      amounts.add(n.token);
      priceLike++;
    }
  }
  f.more = {
    parsed: parsePrice(text, { localCurrency: w.opts.localCurrency }),
    oldTextual: OLD_TEXT.test(text),
    fromText: FROM_TEXT.test(text),
    amounts: amounts.size,
    priceLike,
    wordy: text.replace(/[\d\s.,'’]/g, '').length > 12,
  };
  return f.more;
}

function scoreCandidate(
  w: Walk,
  text: string,
  myOrder: number,
  a: Record<string, string>,
  priceSig: boolean,
  oldSig: boolean,
  bigFont: boolean,
  ctx: Ctx,
) {
  const facts = textFacts(w, text);
  const currency = facts.currency;
  if (!priceSig && !currency && !(ctx.priceAncestor && bigFont)) return;
  const { parsed, oldTextual, fromText, amounts, priceLike, wordy } = moreFacts(w, text, facts);
  if (!parsed || !(Number(parsed.amount) > 0) || Number(parsed.amount) >= 1e9) return;
  let score = 0;
  if (priceSig) score += 3;
  if (ctx.priceAncestor && !priceSig) score += 1;
  if (priceSig && MAIN_SIG.test(sigOf(a))) score += 1;
  if (a.itemprop === 'price' || a.property === 'price') score += 1;
  if (bigFont) score += 1.5;
  if (currency) score += 2;
  // A container whose price comes from a struck/"was" descendant presents that price as old too
  // (descendants are scored first, so any recorded order after ours is a descendant).
  const fromOldChild = (w.oldAt.get(parsed.amount) ?? []).some((o) => o > myOrder);
  const old = ctx.struck || oldSig || ctx.oldAncestor || oldTextual || fromOldChild;
  if (old) w.oldAt.set(parsed.amount, [...(w.oldAt.get(parsed.amount) ?? []), myOrder]);
  if (oldTextual || (fromOldChild && !ctx.struck)) score -= 4;
  if (ctx.struck) score -= 6;
  if (oldSig || ctx.oldAncestor) score -= 4;
  if (ctx.region) score -= 4;
  if (ctx.hidden) score -= 2;
  if (fromText) score -= 3;
  // A container holding several prices (old and new, or a list) is not itself the price.
  if (amounts > 1) score -= 3;
  if (wordy) score -= 1;
  // Cues in this short text also apply to the descendant that carries the same amount ("每期 <span>$98</span>",
  // "RRP <span>£20</span>"): descendants were recorded just before us, with a higher order.
  if ((fromText || oldTextual) && priceLike === 1) {
    for (let i = w.raw.length - 1; i >= 0 && w.raw[i].order > myOrder; i--) {
      const d = w.raw[i];
      if (d.amount !== parsed.amount) continue;
      if (fromText && !d.cues.from) {
        d.score -= 3;
        d.cues.from = true;
      }
      if (oldTextual && !d.cues.old) {
        d.score -= 4;
        d.cues.old = true;
        d.old = true;
      }
    }
  }
  w.raw.push({
    amount: parsed.amount,
    currency: parsed.currency,
    score,
    order: myOrder,
    text,
    old,
    cues: { from: fromText, old: oldTextual },
  });
}

export function visiblePriceCandidates(root: DomNode, opts: VisibleOptions): VisibleCandidate[] {
  const w = new Walk(opts);
  const { raw, h1s, buyOrders } = w;
  const start: Ctx = {
    struck: false,
    hidden: false,
    region: false,
    priceAncestor: false,
    oldAncestor: false,
  };
  for (const c of (root as DomElement).children ?? []) if (isElement(c)) visit(w, c, start);

  // Proximity: the main price sits a short way after the title and close to the buy button.
  const h1 = chooseTitle(h1s, opts.productName ?? null);
  const buy = buyOrders.find((b) => h1 === undefined || b > h1) ?? buyOrders[0];
  for (const c of raw) {
    if (h1 !== undefined) {
      const d = c.order - h1;
      c.score += d >= 0 ? 4 * Math.max(0, 1 - d / 600) : 2 * Math.max(0, 1 + d / 300);
    }
    if (buy !== undefined) c.score += 2 * Math.max(0, 1 - Math.abs(c.order - buy) / 400);
    c.score -= c.order / (w.order + 1); // gentle preference for earlier prices
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
