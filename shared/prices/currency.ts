/**
 * Currency normalisation to ISO 4217: from codes, symbols and the page's context (country top-level
 * domain, <html lang>). Hand-written tables: no maintained npm package maps shop symbols such as "Kč",
 * "zł", "R$" or "ر.س" with context-dependent disambiguation of "$", "kr" and "¥".
 */

/** ISO 4217 codes we accept as-is (the common trading currencies; extend freely). */
export const ISO_CODES = new Set(
  (
    'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD ' +
    'CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD ' +
    'GNF GTQ GYD HKD HNL HRK HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KRW KWD KYD KZT ' +
    'LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR ' +
    'NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP ' +
    'STN SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF ' +
    'YER ZAR ZMW ZWL'
  ).split(' '),
);

/** Currencies whose minor unit has three digits: "34.000" there is 34, not 34 000. */
export const THREE_DECIMAL_CURRENCIES = new Set(['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND']);

/** Unambiguous symbols and local abbreviations (longest first when matched). */
const SYMBOLS: Record<string, string> = {
  US$: 'USD',
  U$S: 'USD',
  CA$: 'CAD',
  C$: 'CAD',
  AU$: 'AUD',
  A$: 'AUD',
  NZ$: 'NZD',
  HK$: 'HKD',
  S$: 'SGD',
  NT$: 'TWD',
  MX$: 'MXN',
  R$: 'BRL',
  '€': 'EUR',
  '£': 'GBP',
  '₹': 'INR',
  '₽': 'RUB',
  руб: 'RUB',
  'р.': 'RUB',
  '₴': 'UAH',
  грн: 'UAH',
  '₩': 'KRW',
  원: 'KRW',
  '₺': 'TRY',
  TL: 'TRY',
  '₪': 'ILS',
  '฿': 'THB',
  '₫': 'VND',
  '₱': 'PHP',
  '₦': 'NGN',
  '₸': 'KZT',
  'тг.': 'KZT',
  тг: 'KZT',
  '₼': 'AZN',
  '₾': 'GEL',
  '₡': 'CRC',
  zł: 'PLN',
  Kč: 'CZK',
  Ft: 'HUF',
  lei: 'RON',
  Lei: 'RON',
  лв: 'BGN',
  'лв.': 'BGN',
  kn: 'HRK',
  Kn: 'HRK',
  KM: 'BAM',
  din: 'RSD',
  'дин.': 'RSD',
  RM: 'MYR',
  Rp: 'IDR',
  KSh: 'KES',
  'E£': 'EGP',
  'ر.س': 'SAR',
  'ر.س.': 'SAR',
  'د.إ': 'AED',
  'د.ك': 'KWD',
  'ر.ق': 'QAR',
  'د.ب': 'BHD',
  'ر.ع.': 'OMR',
  'ج.م': 'EGP',
  円: 'JPY',
  '￥': 'JPY',
  'Fr.': 'CHF',
  'SFr.': 'CHF',
};

/** Country-code TLD → local currency, for "$", "kr", "¥", "Rs" and prices with no symbol. */
const TLD_CURRENCY: Record<string, string> = {
  us: 'USD',
  uk: 'GBP',
  gb: 'GBP',
  ie: 'EUR',
  de: 'EUR',
  fr: 'EUR',
  it: 'EUR',
  es: 'EUR',
  pt: 'EUR',
  nl: 'EUR',
  be: 'EUR',
  at: 'EUR',
  fi: 'EUR',
  gr: 'EUR',
  ee: 'EUR',
  lv: 'EUR',
  lt: 'EUR',
  sk: 'EUR',
  si: 'EUR',
  lu: 'EUR',
  mt: 'EUR',
  cy: 'EUR',
  hr: 'HRK',
  ch: 'CHF',
  li: 'CHF',
  se: 'SEK',
  no: 'NOK',
  dk: 'DKK',
  is: 'ISK',
  pl: 'PLN',
  cz: 'CZK',
  hu: 'HUF',
  ro: 'RON',
  bg: 'BGN',
  rs: 'RSD',
  ru: 'RUB',
  by: 'BYN',
  ua: 'UAH',
  kz: 'KZT',
  tr: 'TRY',
  il: 'ILS',
  sa: 'SAR',
  ae: 'AED',
  qa: 'QAR',
  kw: 'KWD',
  bh: 'BHD',
  om: 'OMR',
  eg: 'EGP',
  ma: 'MAD',
  ng: 'NGN',
  ke: 'KES',
  za: 'ZAR',
  in: 'INR',
  pk: 'PKR',
  lk: 'LKR',
  bd: 'BDT',
  np: 'NPR',
  cn: 'CNY',
  jp: 'JPY',
  kr: 'KRW',
  tw: 'TWD',
  hk: 'HKD',
  sg: 'SGD',
  my: 'MYR',
  id: 'IDR',
  th: 'THB',
  vn: 'VND',
  ph: 'PHP',
  au: 'AUD',
  nz: 'NZD',
  ca: 'CAD',
  mx: 'MXN',
  br: 'BRL',
  ar: 'ARS',
  cl: 'CLP',
  co: 'COP',
  pe: 'PEN',
  uy: 'UYU',
};

/** Regions that appear as a URL path segment (e.g. /gb/en/, /en-ca/) on international shops. */
const PATH_REGION = /^\/(?:[a-z]{2}[-_])?([a-z]{2})(?:[-_][a-z]{2})?\//i;

/** Infers the page's local currency from its URL (ccTLD, then a region path segment). */
export function currencyFromUrl(url: string | undefined): string | null {
  if (!url) return null;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  const tld = u.hostname.split('.').pop()?.toLowerCase() ?? '';
  if (TLD_CURRENCY[tld]) return TLD_CURRENCY[tld];
  const m = PATH_REGION.exec(u.pathname);
  if (m) {
    const segs = u.pathname.split('/')[1].toLowerCase().split(/[-_]/);
    for (const s of segs.reverse()) if (TLD_CURRENCY[s] && s !== 'en') return TLD_CURRENCY[s];
  }
  return null;
}

/** Resolves "$", "kr", "¥", "Rs" with the page's local currency when that is a plausible reading. */
function disambiguate(sym: string, local: string | null): string | null {
  switch (sym) {
    case '$':
      return local &&
        ['USD', 'CAD', 'AUD', 'NZD', 'MXN', 'ARS', 'CLP', 'COP', 'UYU', 'SGD', 'HKD', 'TWD'].includes(local)
        ? local
        : 'USD';
    case 'kr':
    case 'kr.':
    case 'Kr':
    case 'Kr.':
      return local && ['SEK', 'NOK', 'DKK', 'ISK'].includes(local) ? local : 'SEK';
    case '¥':
      return local === 'CNY' ? 'CNY' : 'JPY';
    case '元':
      return local === 'TWD' || local === 'HKD' ? local : 'CNY';
    case 'Rs':
    case 'Rs.':
    case 'rs':
    case 'rs.':
    case '₨':
      return local && ['PKR', 'LKR', 'NPR'].includes(local) ? local : 'INR';
    case 'R':
      return local === 'ZAR' ? 'ZAR' : null;
    default:
      return null;
  }
}

/**
 * Normalises a currency given as an ISO code, a symbol or a local abbreviation. `localCurrency` (from
 * currencyFromUrl) resolves ambiguous symbols. Returns null when nothing is recognised.
 */
export function normalizeCurrency(
  raw: string | null | undefined,
  localCurrency: string | null = null,
): string | null {
  if (!raw) return null;
  const s = raw.trim();
  if (!s) return null;
  const upper = s.toUpperCase();
  if (/^[A-Z]{3}$/.test(upper) && ISO_CODES.has(upper)) return upper;
  if (upper === 'RMB') return 'CNY';
  if (upper === 'NIS') return 'ILS';
  if (SYMBOLS[s]) return SYMBOLS[s];
  const amb = disambiguate(s, localCurrency);
  if (amb) return amb;
  return findCurrencyInText(s, localCurrency);
}

// Longest tokens first so "US$" wins over "$" and "R$" over "R".
const SYMBOL_KEYS = Object.keys(SYMBOLS).sort((a, b) => b.length - a.length);
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// Letter-only symbols must stand alone (not inside a word); others may touch digits.
const symbolAlternatives = SYMBOL_KEYS.map((k) =>
  /^[\p{L}.]+$/u.test(k) ? `(?<![\\p{L}])${escapeRe(k)}(?![\\p{L}])` : escapeRe(k),
);
const SYMBOL_RE = new RegExp(symbolAlternatives.join('|'), 'u');
const CODE_RE = /(?<![A-Za-z])([A-Z]{3})(?![A-Za-z])/g;
const AMBIGUOUS_RE = /(?<![\p{L}])(?:\$|¥|₨|[Kk]r\.?|Rs\.?)(?![\p{L}])|元/u;

/** Finds a currency mentioned in a text fragment such as "CHF 1'234.50" or "1.234,56 €". */
export function findCurrencyInText(text: string, localCurrency: string | null = null): string | null {
  for (const m of text.matchAll(CODE_RE)) if (ISO_CODES.has(m[1])) return m[1];
  const sym = SYMBOL_RE.exec(text);
  const amb = AMBIGUOUS_RE.exec(text);
  if (sym && (!amb || sym.index <= amb.index || sym[0].includes('$'))) return SYMBOLS[sym[0]];
  if (amb) return disambiguate(amb[0], localCurrency);
  return null;
}

const SYMBOL_RE_G = new RegExp(SYMBOL_RE.source, 'gu');
const AMBIGUOUS_RE_G = new RegExp(AMBIGUOUS_RE.source, 'gu');

/** Start and end offsets of every currency mark (ISO code, symbol, abbreviation) in a text. */
export function currencyMarks(text: string): [number, number][] {
  const out: [number, number][] = [];
  for (const m of text.matchAll(CODE_RE)) if (ISO_CODES.has(m[1])) out.push([m.index, m.index + 3]);
  for (const m of text.matchAll(SYMBOL_RE_G)) out.push([m.index, m.index + m[0].length]);
  for (const m of text.matchAll(AMBIGUOUS_RE_G)) out.push([m.index, m.index + m[0].length]);
  return out;
}
