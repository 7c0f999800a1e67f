import { parse } from 'csv-parse/sync';
import { formatPeriod, parsePeriod } from './period.ts';
import type { InputSeries } from './types.ts';

/** A row of the M3-competition layout: one series per row, values space-separated. */
export interface M3Row {
  series: string;
  category: string;
  description: string;
  nTrain: number;
  horizon: number;
  startYear: number;
  startMonth: number;
  values: number[];
}

export class ParseError extends Error {}

function records(text: string): Record<string, string>[] {
  try {
    return parse(text, {
      columns: (h: string[]) => h.map((c) => c.trim()),
      skip_empty_lines: true,
      trim: true,
      bom: true,
      relax_column_count: false,
    });
  } catch (err) {
    throw new ParseError(`not a valid CSV file: ${(err as Error).message}`);
  }
}

function num(s: string | undefined): number | null {
  if (s === undefined) return null;
  const t = s.trim();
  if (t === '' || /^(na|nan|null)$/i.test(t)) return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}

const M3_COLUMNS = [
  'series',
  'category',
  'description',
  'n_train',
  'horizon',
  'start_year',
  'start_month',
  'values',
];

export function parseM3(text: string): M3Row[] {
  const rows = records(text);
  if (rows.length === 0) throw new ParseError('no series in file');
  const missing = M3_COLUMNS.filter((c) => !(c in rows[0]));
  if (missing.length) throw new ParseError(`not the M3 layout: missing column(s) ${missing.join(', ')}`);
  return rows.map((r, i) => {
    const values = r.values.trim() === '' ? [] : r.values.trim().split(/\s+/).map(Number);
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new ParseError(`row ${i + 2} (${r.series}): value ${bad + 1} is not a number`);
    const startYear = Number(r.start_year);
    const startMonth = Number(r.start_month);
    if (!Number.isInteger(startYear) || !Number.isInteger(startMonth) || startMonth < 1 || startMonth > 12)
      throw new ParseError(`row ${i + 2} (${r.series}): bad start_year/start_month`);
    return {
      series: r.series,
      category: r.category,
      description: r.description,
      nTrain: Number(r.n_train),
      horizon: Number(r.horizon),
      startYear,
      startMonth,
      values,
    };
  });
}

export function m3Start(r: Pick<M3Row, 'startYear' | 'startMonth'>): string {
  return formatPeriod(r.startYear * 12 + r.startMonth - 1);
}

/** Builds monthly series from (name, month index, value) triples: gaps become missing months, repeats an error. */
function assemble(points: { name: string; month: number; value: number | null }[]): InputSeries[] {
  const groups = new Map<string, Map<number, number | null>>();
  const dup = new Map<string, string>();
  for (const p of points) {
    let g = groups.get(p.name);
    if (!g) {
      g = new Map();
      groups.set(p.name, g);
    }
    if (g.has(p.month) && !dup.has(p.name))
      dup.set(p.name, `month ${formatPeriod(p.month)} appears more than once`);
    g.set(p.month, p.value);
  }
  const out: InputSeries[] = [];
  for (const [name, g] of groups) {
    const months = [...g.keys()].sort((a, b) => a - b);
    const first = months[0];
    const last = months[months.length - 1];
    const values: (number | null)[] = [];
    for (let k = first; k <= last; k++) values.push(g.has(k) ? (g.get(k) as number | null) : null);
    const s: InputSeries = { name, start: formatPeriod(first), values };
    if (dup.has(name)) s.error = dup.get(name);
    out.push(s);
  }
  return out;
}

/**
 * Revenue uploads: the long format (`series, period, value`, period YYYY-MM; `month` is accepted
 * for `period`) or the South African Treasury layout (`T1, T2, T3, Year, MonthNum, …, Revenue`,
 * one series per T3 line).
 */
export function parseRevenueCsv(text: string): InputSeries[] {
  const rows = records(text);
  if (rows.length === 0) throw new ParseError('no rows in file');
  const cols = Object.keys(rows[0]);
  const lower = new Map(cols.map((c) => [c.toLowerCase(), c]));
  if (['t3', 'year', 'monthnum', 'revenue'].every((c) => lower.has(c))) {
    const [t1, t2, t3, year, month, revenue] = ['t1', 't2', 't3', 'year', 'monthnum', 'revenue'].map(
      (c) => lower.get(c) as string,
    );
    const points = rows.map((r, i) => {
      const y = Number(r[year]);
      const m = Number(r[month]);
      if (!Number.isInteger(y) || !Number.isInteger(m) || m < 1 || m > 12)
        throw new ParseError(`row ${i + 2}: bad Year/MonthNum "${r[year]}"/"${r[month]}"`);
      return {
        name: r[t3],
        month: y * 12 + m - 1,
        value: num(r[revenue]),
        group: `${r[t1] ?? ''}/${r[t2] ?? ''}`,
      };
    });
    // T3 names are unique in the Treasury file; should two groups share one, qualify it by T1/T2.
    const groupsOf = new Map<string, Set<string>>();
    for (const p of points) groupsOf.set(p.name, (groupsOf.get(p.name) ?? new Set()).add(p.group));
    return assemble(
      points.map((p) => ({
        ...p,
        name: (groupsOf.get(p.name)?.size ?? 1) > 1 ? `${p.group}/${p.name}` : p.name,
      })),
    );
  }
  const series = lower.get('series');
  const period = lower.get('period') ?? lower.get('month');
  const value = lower.get('value') ?? lower.get('revenue');
  if (!series || !period || !value)
    throw new ParseError(
      `unrecognised layout (columns: ${cols.join(', ')}); expected "series, period, value" or the Treasury "T1, T2, T3, Year, MonthNum, …, Revenue"`,
    );
  return assemble(
    rows.map((r, i) => {
      const month = parsePeriod(r[period]);
      if (month === undefined) throw new ParseError(`row ${i + 2}: period "${r[period]}" is not YYYY-MM`);
      return { name: r[series], month, value: num(r[value]) };
    }),
  );
}
