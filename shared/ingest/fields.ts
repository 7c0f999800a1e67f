/**
 * Field kinds shared by every dataset: each turns one raw CSV cell into a typed value or an Invalid
 * with a reason. Converters allocate nothing on the happy path beyond the value itself, because they run
 * once per cell of files with millions of rows.
 */

export type FieldKind =
  /** Required or optional trimmed text, e.g. a declaration number. */
  | 'text'
  /** A short code: office, procedure, tax type (letters, digits, . _ - / space; ≤ 64 chars). */
  | 'code'
  /** A person or firm identifier: pseudonymised with a keyed HMAC before storage. */
  | 'identifier'
  /** A whole number ≥ 0; leading digits of "1 of 3" style item numbers are taken. */
  | 'count'
  /** A finite number ≥ 0 (values, masses, quantities, rates). */
  | 'amount'
  /** A finite number, sign allowed (revenue adjustments, balances). */
  | 'number'
  /** A calendar date, stored as YYYY-MM-DD. */
  | 'date'
  /** A tariff (HS) code: digits only once dots and spaces are removed. */
  | 'hs'
  /** A country code: ISO2/ISO3, UN numeric or an anonymised code such as CNTRY680. */
  | 'country'
  /** 0/1 flag (also true/false, yes/no, y/n). */
  | 'flag'
  /** Calendar year 1900..2100. */
  | 'year'
  /** Month 1..12. */
  | 'month'
  /** ISO 4217 currency code. */
  | 'currency'
  /** Trade flow: import, export, re-export, re-import (also Comtrade codes 1-4, M, X, RX, RM). */
  | 'flow';

export interface FieldDef {
  name: string;
  kind: FieldKind;
  /** Rows without a value are rejected. */
  required?: boolean;
  /** hs: fewest digits accepted once padded. */
  minDigits?: number;
  /** Value used when the layout has no column for the field (e.g. itemNumber 1). */
  default?: string | number;
  /** One line for docs/declaration-schema.md and the Glue column comment. */
  doc: string;
}

export class Invalid {
  readonly message: string;
  constructor(message: string) {
    this.message = message;
  }
}

export type DateFormat = 'auto' | 'DD/MM/YYYY' | 'MM/DD/YYYY';

export interface ConvertOptions {
  dateFormat?: DateFormat;
  /** hs: left-pad codes that lost leading zeros to this many digits (e.g. 10 for a 10-digit tariff stored as a number). */
  hsLength?: number;
}

export type Converter = (raw: string) => unknown;

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const CODE_RE = /^[\w.\-/ ]{1,64}$/;
/** ISO2/ISO3, anonymised codes (CNTRY680), or UN M49 numeric codes, which can be one digit (8 = Albania). */
const COUNTRY_RE = /^(?:\d{1,3}|[A-Z0-9]{2,12})$/;
const CURRENCY_RE = /^[A-Z]{3}$/;
const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

function parseNumber(s: string): number | Invalid {
  if (!NUMBER_RE.test(s)) {
    // Thousands separators ("1,234.5") are common in spreadsheets exported to CSV.
    const plain = s.replaceAll(',', '');
    if (plain !== s && /^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$/.test(s)) return Number(plain);
    return new Invalid(`not a number: "${clip(s)}"`);
  }
  const n = Number(s);
  return Number.isFinite(n) ? n : new Invalid(`not a finite number: "${clip(s)}"`);
}

export function clip(s: string, max = 40): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** Two-digit years: 00-69 → 2000s, 70-99 → 1900s. */
function fullYear(y: string): number {
  const n = Number(y);
  if (y.length === 4) return n;
  return n < 70 ? 2000 + n : 1900 + n;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

function isoDate(y: number, m: number, d: number, raw: string): string | Invalid {
  if (!(y >= 1900 && y <= 2100)) return new Invalid(`year out of range in date "${clip(raw)}"`);
  if (!(m >= 1 && m <= 12)) return new Invalid(`bad month in date "${clip(raw)}"`);
  if (!(d >= 1 && d <= daysInMonth(y, m))) return new Invalid(`bad day in date "${clip(raw)}"`);
  return `${y}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

const ISO_RE = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const YYMMDD_RE = /^(\d{2})-(\d{2})-(\d{2})$/;
const DMONY_RE = /^(\d{1,2})[- ]([A-Za-z]{3})[a-z]*[- ](\d{2}|\d{4})$/;
const COMPACT_RE = /^(\d{4})(\d{2})(\d{2})$/;
const SLASH_RE = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})$/;
const YSLASH_RE = /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/;

/**
 * Parses the date formats the known layouts use: 2020-01-31 (optionally with a time), 13-01-31 (WCO
 * synthetic YY-MM-DD), 14-Aug-14 (WCO raw), 20200131, 2020/01/31, and DD/MM/YYYY or MM/DD/YYYY when a
 * mapping says which (a slash date is ambiguous, so 'auto' rejects it).
 */
export function parseDate(raw: string, format: DateFormat = 'auto'): string | Invalid {
  const s = raw.trim();
  let m = ISO_RE.exec(s);
  if (m) return isoDate(Number(m[1]), Number(m[2]), Number(m[3]), s);
  m = YYMMDD_RE.exec(s);
  if (m) return isoDate(fullYear(m[1]), Number(m[2]), Number(m[3]), s);
  m = DMONY_RE.exec(s);
  if (m) {
    const month = MONTHS[m[2].toLowerCase()];
    if (!month) return new Invalid(`unknown month in date "${clip(s)}"`);
    return isoDate(fullYear(m[3]), month, Number(m[1]), s);
  }
  m = COMPACT_RE.exec(s);
  if (m) return isoDate(Number(m[1]), Number(m[2]), Number(m[3]), s);
  m = YSLASH_RE.exec(s);
  if (m) return isoDate(Number(m[1]), Number(m[2]), Number(m[3]), s);
  m = SLASH_RE.exec(s);
  if (m && format === 'DD/MM/YYYY') return isoDate(fullYear(m[3]), Number(m[2]), Number(m[1]), s);
  if (m && format === 'MM/DD/YYYY') return isoDate(fullYear(m[3]), Number(m[1]), Number(m[2]), s);
  if (m) return new Invalid(`ambiguous date "${clip(s)}": the layout must say DD/MM/YYYY or MM/DD/YYYY`);
  return new Invalid(`not a date: "${clip(s)}"`);
}

/** Days since 1970-01-01 for a YYYY-MM-DD string (Parquet DATE). */
export function epochDays(iso: string): number {
  return Math.round(Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / 86_400_000);
}

export const FLOWS: Record<string, string> = {
  '1': 'import',
  '2': 'export',
  '3': 're-export',
  '4': 're-import',
  m: 'import',
  x: 'export',
  rx: 're-export',
  rm: 're-import',
  import: 'import',
  imports: 'import',
  export: 'export',
  exports: 'export',
  're-export': 're-export',
  reexport: 're-export',
  're-exports': 're-export',
  're-import': 're-import',
  reimport: 're-import',
  're-imports': 're-import',
};

/** Builds the converter for one field. Empty cells become null (or an Invalid when required). */
export function makeConverter(field: FieldDef, options: ConvertOptions = {}): Converter {
  const convert = kindConverter(field, options);
  const required = field.required === true;
  return (raw: string) => {
    if (raw === '' || (raw.charCodeAt(0) <= 32 && raw.trim() === '') || raw === 'NA' || raw === 'NULL') {
      return required ? new Invalid('required value is missing') : null;
    }
    return convert(raw);
  };
}

function kindConverter(field: FieldDef, options: ConvertOptions): Converter {
  switch (field.kind) {
    case 'text':
    case 'identifier':
      return (raw) => {
        const s = raw.trim();
        if (s.length > 256) return new Invalid(`longer than 256 characters`);
        return s;
      };
    case 'code':
      return (raw) => {
        const s = raw.trim();
        return CODE_RE.test(s) ? s : new Invalid(`not a code: "${clip(s)}"`);
      };
    case 'count':
      return (raw) => {
        const s = raw.trim();
        const m = /^\d+/.exec(s);
        if (!m) return new Invalid(`not a whole number: "${clip(s)}"`);
        // "1.0" from spreadsheets is fine; "1.5" is not.
        if (m[0].length !== s.length && !/^\d+(\.0*)?$/.test(s) && !/^\d+\s*of\s*\d+$/i.test(s))
          return new Invalid(`not a whole number: "${clip(s)}"`);
        return Number(m[0]);
      };
    case 'amount':
      return (raw) => {
        const n = parseNumber(raw.trim());
        if (n instanceof Invalid) return n;
        return n < 0 ? new Invalid(`negative value ${n}`) : n;
      };
    case 'number':
      return (raw) => parseNumber(raw.trim());
    case 'date': {
      const format = options.dateFormat ?? 'auto';
      // Declarations are mostly sorted by date, so the last few distinct strings repeat a lot.
      const cache = new Map<string, string | Invalid>();
      return (raw) => {
        let v = cache.get(raw);
        if (v === undefined) {
          v = parseDate(raw, format);
          if (cache.size > 4096) cache.clear();
          cache.set(raw, v);
        }
        return v;
      };
    }
    case 'hs': {
      const len = options.hsLength;
      const min = field.minDigits ?? 2;
      return (raw) => {
        let s = raw.trim();
        if (s.includes('.') || s.includes(' ')) s = s.replace(/[.\s]/g, '');
        if (!/^\d+$/.test(s)) return new Invalid(`tariff code is not digits: "${clip(raw)}"`);
        // A code stored as a number loses its leading zero (chapter 01-09): restore one.
        if (len && s.length === len - 1) s = `0${s}`;
        if (s.length < min || s.length > 12)
          return new Invalid(`tariff code must have ${min} to 12 digits: "${clip(raw)}"`);
        return s;
      };
    }
    case 'country':
      return (raw) => {
        const s = raw.trim().toUpperCase();
        return COUNTRY_RE.test(s) ? s : new Invalid(`not a country code: "${clip(raw)}"`);
      };
    case 'flag':
      return (raw) => {
        const s = raw.trim().toLowerCase();
        if (s === '0' || s === 'false' || s === 'no' || s === 'n' || s === '0.0') return 0;
        if (s === '1' || s === 'true' || s === 'yes' || s === 'y' || s === '1.0') return 1;
        return new Invalid(`not a 0/1 flag: "${clip(raw)}"`);
      };
    case 'year':
      return (raw) => {
        const n = Number(raw.trim());
        return Number.isInteger(n) && n >= 1900 && n <= 2100 ? n : new Invalid(`not a year: "${clip(raw)}"`);
      };
    case 'month':
      return (raw) => {
        const s = raw.trim();
        const n = /^\d{1,2}$/.test(s) ? Number(s) : MONTHS[s.slice(0, 3).toLowerCase()];
        return n !== undefined && n >= 1 && n <= 12 ? n : new Invalid(`not a month: "${clip(raw)}"`);
      };
    case 'currency':
      return (raw) => {
        const s = raw.trim().toUpperCase();
        return CURRENCY_RE.test(s) ? s : new Invalid(`not a currency code: "${clip(raw)}"`);
      };
    case 'flow':
      return (raw) => FLOWS[raw.trim().toLowerCase()] ?? new Invalid(`not a trade flow: "${clip(raw)}"`);
  }
}
