import { parse } from 'csv-parse/sync';

/**
 * Exchange rates as the `fx` dataset holds them: one row per (date, currency) with `rate` = national currency
 * units per one unit of the foreign currency. A price converts with the latest rate on or before its date.
 */
export interface FxRow {
  date: string;
  currency: string;
  rate: number;
}

export interface Converted {
  /** Amount in the national currency, rounded to 4 decimals. */
  amount: number;
  /** Date of the rate used (the observation date when no conversion was needed). */
  fxDate: string;
  rate: number;
}

export class FxTable {
  readonly local: string;
  private readonly byCurrency = new Map<string, { date: string; rate: number }[]>();

  constructor(local: string, rows: readonly FxRow[]) {
    this.local = local;
    for (const r of rows) {
      if (!(r.rate > 0) || !/^\d{4}-\d{2}-\d{2}$/.test(r.date)) continue;
      const c = r.currency.toUpperCase();
      const list = this.byCurrency.get(c) ?? [];
      list.push({ date: r.date, rate: r.rate });
      this.byCurrency.set(c, list);
    }
    for (const list of this.byCurrency.values())
      list.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  }

  /** Converts an amount observed on `date` (YYYY-MM-DD); null when no rate on or before that date exists. */
  convert(amount: number, currency: string | null, date: string): Converted | null {
    if (!currency || !Number.isFinite(amount)) return null;
    if (currency === this.local) return { amount: round4(amount), fxDate: date, rate: 1 };
    const list = this.byCurrency.get(currency);
    if (!list?.length) return null;
    // Binary search: the last rate dated on or before `date`.
    let lo = 0;
    let hi = list.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].date <= date) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0) return null;
    const { date: fxDate, rate } = list[found];
    return { amount: round4(amount * rate), fxDate, rate };
  }
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

/** Parses an fx CSV (header: date,currency,rate; extra columns ignored) with csv-parse. */
export function parseFxCsv(text: string): FxRow[] {
  const records: Record<string, string>[] = parse(text, {
    columns: (h: string[]) => h.map((x) => x.trim().toLowerCase()),
    skip_empty_lines: true,
    trim: true,
    bom: true,
  });
  if (
    records.length &&
    !(
      'date' in records[0] &&
      'currency' in records[0] &&
      ('rate' in records[0] || 'rate_per_unit' in records[0])
    )
  )
    throw new Error('fx CSV needs the columns date, currency, rate');
  return records.map((r) => ({
    date: r.date,
    currency: r.currency.toUpperCase(),
    rate: Number(r.rate ?? r.rate_per_unit),
  }));
}
