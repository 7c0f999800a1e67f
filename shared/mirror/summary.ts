import type { QueryEngine, Row, SqlValue } from '../ports/query-engine.ts';
import { CANONICAL, type TradeSource } from './source.ts';
import {
  DEFAULT_SETTINGS,
  estimateFactorSql,
  InvalidFilterError,
  MIRROR_COLUMNS,
  type MirrorColumn,
  type MirrorFilters,
  type MirrorSettings,
  mirrorSummarySql,
  mirrorTableSql,
} from './sql.ts';

/** Bounds for a data-estimated CIF/FOB factor: freight and insurance are never negative nor > 50 %. */
export const FACTOR_BOUNDS = { min: 1, max: 1.5 } as const;

/**
 * The CIF/FOB factor: a number, or "estimate" for exp(median log-ratio) over all pairs, bounded to
 * FACTOR_BOUNDS (falls back to the default when there are no pairs).
 */
export async function resolveCifFobFactor(
  engine: QueryEngine,
  factor: number | 'estimate',
  source: TradeSource = CANONICAL,
): Promise<{ factor: number; estimated: boolean; rawEstimate?: number }> {
  if (factor !== 'estimate') return { factor, estimated: false };
  const est = estimateFactorSql(source);
  const [row] = await engine.query(est.sql, est.params);
  const raw = row?.factor === null || row?.factor === undefined ? null : Number(row.factor);
  if (raw === null || !Number.isFinite(raw))
    return { factor: DEFAULT_SETTINGS.cifFobFactor, estimated: false };
  const bounded = Math.min(FACTOR_BOUNDS.max, Math.max(FACTOR_BOUNDS.min, raw));
  return { factor: round(bounded, 4), estimated: true, rawEstimate: raw };
}

export function round(n: number, digits = 2): number {
  const p = 10 ** digits;
  return Math.round(n * p) / p;
}

/** A DECIMAL sum the engine returned as text (exact), rounded to the cent. */
export function cents(v: unknown): number {
  if (v === null || v === undefined) return 0;
  const s = String(v).trim();
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(s);
  if (!m) return round(Number(s));
  // Round half away from zero on the decimal text, so no binary fraction creeps in before the cents.
  const frac = (m[3] ?? '').padEnd(3, '0');
  let centsInt = BigInt(m[2]) * 100n + BigInt(frac.slice(0, 2));
  if (Number(frac[2]) >= 5) centsInt += 1n;
  const n = Number(centsInt) / 100;
  return m[1] === '-' ? -n : n;
}

export interface MirrorSummaryRow {
  pairs: number;
  importsValue: number;
  mirrorExportsValue: number;
  adjustedExportsValue: number;
  flagged: number;
  potentialDutyLoss: number;
}

export async function mirrorSummary(
  engine: QueryEngine,
  settings: MirrorSettings,
  filters: MirrorFilters = {},
  source: TradeSource = CANONICAL,
): Promise<MirrorSummaryRow> {
  const { sql, params } = mirrorSummarySql(settings, filters, source);
  return querySummary(engine, sql, params);
}

/** Runs a summarySelect() statement and reads it into numbers (sums to the cent). */
export async function querySummary(
  engine: QueryEngine,
  sql: string,
  params: SqlValue[] = [],
): Promise<MirrorSummaryRow> {
  const [r] = await engine.query(sql, params);
  return {
    pairs: Number(r?.pairs ?? 0),
    importsValue: cents(r?.imports_value),
    mirrorExportsValue: cents(r?.mirror_exports_value),
    adjustedExportsValue: round(Number(r?.adjusted_exports_value ?? 0)),
    flagged: Number(r?.flagged ?? 0),
    potentialDutyLoss: round(Number(r?.potential_duty_loss ?? 0)),
  };
}

export interface PageRequest {
  sort?: MirrorColumn;
  order?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
}

/** One page of mirror pairs, sorted on an allow-listed column (ties broken by the pair key). */
export async function mirrorRows(
  engine: QueryEngine,
  settings: MirrorSettings,
  filters: MirrorFilters = {},
  page: PageRequest = {},
  source: TradeSource = CANONICAL,
): Promise<Row[]> {
  const sort = page.sort ?? 'value_gap';
  if (!(MIRROR_COLUMNS as readonly string[]).includes(sort))
    throw new InvalidFilterError(`cannot sort on ${sort}`);
  const order = page.order === 'asc' ? 'ASC' : 'DESC';
  const limit = Math.trunc(page.limit ?? 50);
  const offset = Math.trunc(page.offset ?? 0);
  if (!(limit >= 0 && limit <= 1_000_000 && offset >= 0)) throw new InvalidFilterError('bad limit/offset');
  const tail = `ORDER BY ${sort} ${order} NULLS LAST, period, importer, exporter, product
    OFFSET ${offset} LIMIT ${limit}`;
  const { sql, params } = mirrorTableSql(settings, filters, tail, source);
  return engine.query(sql, params);
}
