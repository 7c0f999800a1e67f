import { currencyMarks, findCurrencyInText, THREE_DECIMAL_CURRENCIES } from './currency.ts';

/**
 * Locale-aware price parsing: "1.234,56 €", "$1,234.56", "CHF 1'234.50", "₹1,23,456", "R$ 99,90", "129,-".
 * Hand-written because the npm price parsers either assume one locale or return floats; we need an exact
 * decimal string (compared to the cent) and a context hint for ambiguous "34.000".
 */
export interface ParsedPrice {
  /** Decimal string with "." as separator, no grouping, e.g. "1234.56". */
  amount: string;
  currency: string | null;
}

export interface ParseOptions {
  /** The page's local currency, used for "$"/"kr" and for 3-decimal currencies. */
  localCurrency?: string | null;
  /**
   * Decimal-separator convention of the page, when known ("," or "."). Only decides the ambiguous
   * single-separator-plus-three-digits case.
   */
  decimalHint?: ',' | '.' | null;
}

// A number with optional grouping (".", ",", apostrophes, thin/nbsp/normal spaces) and an optional
// "129,-" style dash for a zero fraction.
const NUMBER_RE = /\d+(?:[.,'’\u00a0\u202f\u2009 ]\d+)*(?:[.,](?:-+|–|—))?/g;
const SPACE_SEP = /[\u00a0\u202f\u2009 ]/;

/** Normalises a decimal string: no leading zeros, an all-zero fraction dropped. */
export function canonicalAmount(intPart: string, frac: string): string {
  const i = intPart.replace(/^0+(?=\d)/, '') || '0';
  if (!frac || /^0+$/.test(frac)) return i;
  return `${i}.${frac}`;
}

/** Interprets one numeric token (digits and separators) as a decimal amount, or null. */
export function parseNumberToken(
  token: string,
  opts: ParseOptions & { currency?: string | null } = {},
): string | null {
  let t = token.trim();
  if (/[.,](?:-+|–|—)$/.test(t)) t = t.replace(/[.,](?:-+|–|—)$/, '');
  // Cut at a space whose next group is not exactly three digits ("2 10" is two numbers, not 210).
  const parts = t.split(/([.,'’\u00a0\u202f\u2009 ])/);
  let kept = parts[0];
  for (let i = 1; i < parts.length; i += 2) {
    const sep = parts[i];
    const group = parts[i + 1];
    if (SPACE_SEP.test(sep) && group.length !== 3) break;
    kept += sep + group;
  }
  t = kept;
  const seps = [...t.matchAll(/[.,'’\u00a0\u202f\u2009 ]/g)].map((m) => ({ ch: m[0], at: m.index }));
  if (seps.length === 0) return /^\d+$/.test(t) ? canonicalAmount(t, '') : null;
  const last = seps[seps.length - 1];
  const tail = t.slice(last.at + 1);
  const head = t.slice(0, last.at);
  const digitsOnly = (s: string) => s.replace(/[^\d]/g, '');
  const isPoint = last.ch === '.' || last.ch === ',';
  const earlierSameKind = seps.slice(0, -1).some((s) => s.ch === last.ch);
  if (!isPoint || earlierSameKind) return canonicalAmount(digitsOnly(t), '');
  const earlierOther = seps.length > 1; // e.g. "1.234,56" or "1 234,56" or "1'234.50"
  let decimal: boolean;
  if (tail.length !== 3) decimal = true;
  else if (earlierOther) decimal = true;
  else if (/^0+$/.test(head))
    decimal = true; // "0.500"
  else if (opts.currency && THREE_DECIMAL_CURRENCIES.has(opts.currency)) decimal = true;
  else if (opts.decimalHint) decimal = opts.decimalHint === last.ch;
  else decimal = false; // "1.234" / "1,234": grouping is far more common than three decimals
  if (!decimal) return canonicalAmount(digitsOnly(t), '');
  return canonicalAmount(digitsOnly(head), tail);
}

/** The numbers in a text, split the way parseNumberToken reads them ("4.599,00 1.200,00" is two). */
export function numberTokens(text: string): { token: string; index: number }[] {
  const out: { token: string; index: number }[] = [];
  for (const m of text.matchAll(NUMBER_RE)) {
    let rest = m[0];
    let at = m.index;
    while (rest) {
      const cut = /[\u00a0\u202f\u2009 ](?!\d{3}(?!\d))/.exec(rest);
      const piece = cut ? rest.slice(0, cut.index) : rest;
      out.push({ token: piece, index: at });
      if (!cut) break;
      at += cut.index + 1;
      rest = rest.slice(cut.index + 1);
    }
  }
  return out;
}

/**
 * Parses the price in a short text. When a currency is present, the number next to it wins
 * ("Save 20% now £12.99" → 12.99); otherwise the first number not followed by "%".
 */
export function parsePrice(text: string | null | undefined, opts: ParseOptions = {}): ParsedPrice | null {
  if (text == null) return null;
  const s = String(text).replace(/\s+/g, ' ').trim();
  if (!s || s.length > 300) return null;
  const currency = findCurrencyInText(s, opts.localCurrency ?? null);
  const tokens = numberTokens(s).filter((m) => !/^\s*%/.test(s.slice(m.index + m.token.length)));
  if (tokens.length === 0) return null;
  let chosen = tokens[0];
  if (currency && tokens.length > 1) {
    // The token closest to a currency mark (symbol or code).
    const marks = currencyMarks(s);
    let best = Number.POSITIVE_INFINITY;
    for (const t of tokens) {
      const start = t.index;
      const end = t.index + t.token.length;
      for (const [ms, me] of marks) {
        const d = ms >= end ? ms - end : start >= me ? start - me : 0;
        if (d < best) {
          best = d;
          chosen = t;
        }
      }
    }
  }
  const amount = parseNumberToken(chosen.token, {
    ...opts,
    currency: currency ?? opts.localCurrency ?? null,
  });
  if (amount === null) return null;
  return { amount, currency };
}

/** Parses a machine-readable price ("1234.50", "1,234.50", 99) from structured data. */
export function parseStructuredPrice(value: unknown, opts: ParseOptions = {}): string | null {
  if (typeof value === 'number')
    return Number.isFinite(value) ? canonicalAmount(...splitNumber(value)) : null;
  if (typeof value !== 'string') return null;
  const v = value.trim();
  // Plain machine format first: schema.org requires "." as decimal separator and no grouping.
  const plain = /^(\d+)(?:\.(\d+))?$/.exec(v);
  if (plain) return canonicalAmount(plain[1], plain[2] ?? '');
  return parsePrice(v, { ...opts, decimalHint: opts.decimalHint ?? null })?.amount ?? null;
}

function splitNumber(n: number): [string, string] {
  const s = n.toFixed(6).replace(/0+$/, '');
  const [i, f = ''] = s.split('.');
  return [i, f];
}
