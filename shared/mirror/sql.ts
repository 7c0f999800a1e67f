import type { SqlValue } from '../ports/query-engine.ts';
import { type ImportSide, importFlowsCte, readsDeclarations } from './declared-imports.ts';
import { CANONICAL, sourceCtes, type TradeSource } from './source.ts';

/**
 * The mirror table as one SQL statement over the canonical `trade` and `tariffs` tables.
 *
 * Kept in the subset of SQL that Trino (Athena) and DuckDB read the same way:
 * - no `//`, no DuckDB-only aggregates: medians are computed with ROW_NUMBER over a sorted window
 *   (Trino has only approx_percentile), divisions cast to DOUBLE and guarded by NULLIF;
 * - output columns are snake_case, because Athena lower-cases every identifier it returns;
 * - tuning numbers are inlined as validated numeric literals (Athena accepts `?` only in WHERE),
 *   while user-supplied filter values are always bound `?` parameters in WHERE.
 */

export interface MirrorSettings {
  /** CIF/FOB factor applied to the exporter's (FOB) value before comparing with imports (CIF). */
  cifFobFactor: number;
  /** |robust z| above this flags a pair (Iglewicz & Hoaglin suggest 3.5). */
  zThreshold: number;
  /** Duty rate (percent) for products the tariffs table has no code for. */
  defaultRatePercent: number;
}

export const DEFAULT_SETTINGS: MirrorSettings = { cifFobFactor: 1.1, zThreshold: 3.5, defaultRatePercent: 0 };

export interface MirrorFilters {
  /** Importing country: ISO3 (e.g. "KEN") or numeric M49 code. */
  reporter?: string;
  /** Exporting partner: ISO3 or numeric code. */
  partner?: string;
  /** HS code or prefix (chapter "44", heading "4407", subheading "440799"). */
  product?: string;
  /** Exact period "YYYY" or "YYYYMM". */
  period?: string;
}

/** Columns of the mirror table, in output order (also the CSV header). */
export const MIRROR_COLUMNS = [
  'period',
  'importer',
  'importer_iso',
  'exporter',
  'exporter_iso',
  'product',
  'import_classification',
  'export_classification',
  'import_value',
  'export_value',
  'cif_fob_factor',
  'adjusted_export_value',
  'value_gap',
  'ratio',
  'log_ratio',
  'import_weight_kg',
  'export_weight_kg',
  'import_unit_value',
  'export_unit_value',
  'import_quantity',
  'export_quantity',
  'quantity_gap',
  'weight_gap',
  'robust_z',
  'flagged',
  'duty_rate_percent',
  'potential_duty_loss',
] as const;

export type MirrorColumn = (typeof MIRROR_COLUMNS)[number];

export class InvalidFilterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidFilterError';
  }
}

function literal(n: number, name: string): string {
  if (!Number.isFinite(n)) throw new InvalidFilterError(`${name} must be a finite number`);
  // Exponent-free decimal text both engines parse as a DOUBLE literal once cast.
  return `CAST(${n.toFixed(12).replace(/\.?0+$/, '') || '0'} AS DOUBLE)`;
}

const COUNTRY = /^([A-Za-z]{3}|\d{1,4})$/;
const PRODUCT = /^\d{1,12}$|^[A-Za-z]{1,12}$/;
const PERIOD = /^\d{4}(\d{2})?$/;

/**
 * WHERE clause over the mirror table's output columns, with values bound as parameters. Every value is
 * checked against a strict pattern first (Athena treats parameters as SQL expressions).
 */
export function filterClause(filters: MirrorFilters): { where: string; params: SqlValue[] } {
  const parts: string[] = [];
  const params: SqlValue[] = [];
  const country = (value: string, codeCol: string, isoCol: string, name: string) => {
    const p = countryPredicate(value, codeCol, isoCol, name);
    parts.push(p.sql);
    params.push(...p.params);
  };
  if (filters.reporter) country(filters.reporter, 'importer', 'importer_iso', 'reporter');
  if (filters.partner) country(filters.partner, 'exporter', 'exporter_iso', 'partner');
  if (filters.product) {
    const v = filters.product.trim();
    if (!PRODUCT.test(v)) throw new InvalidFilterError('product must be an HS code or prefix (digits)');
    parts.push('product LIKE ?');
    params.push(`${v}%`);
  }
  if (filters.period) {
    const v = filters.period.trim();
    if (!PERIOD.test(v)) throw new InvalidFilterError('period must be YYYY or YYYYMM');
    parts.push('period = ?');
    params.push(v);
  }
  return { where: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

/** `codeCol = ?` for a numeric code, `isoCol = ?` for an ISO3 code (checked against a strict pattern). */
export function countryPredicate(
  value: string,
  codeCol: string,
  isoCol: string,
  name: string,
): { sql: string; params: SqlValue[] } {
  const v = value.trim();
  if (!COUNTRY.test(v)) throw new InvalidFilterError(`${name} must be an ISO3 code or a numeric code`);
  if (/^\d+$/.test(v)) return { sql: `${codeCol} = ?`, params: [String(Number(v))] };
  return { sql: `${isoCol} = ?`, params: [v.toUpperCase()] };
}

/** Exact median of `col` per `group` over `source`, with ROW_NUMBER (portable; Trino has no median). */
function medianCte(name: string, source: string, col: string): string {
  return `${name}_ranked AS (
    SELECT product, ${col} AS x,
           ROW_NUMBER() OVER (PARTITION BY product ORDER BY ${col}) AS rn,
           COUNT(*) OVER (PARTITION BY product) AS n
    FROM ${source} WHERE ${col} IS NOT NULL
  ),
  ${name} AS (
    SELECT product, AVG(x) AS value, MAX(n) AS n
    FROM ${name}_ranked
    WHERE rn IN (FLOOR(CAST(n + 1 AS DOUBLE) / 2), FLOOR(CAST(n + 2 AS DOUBLE) / 2))
    GROUP BY product
  )`;
}

/**
 * Pairs: importer I's imports from E of product p in period t, matched with E's exports to I of p in t.
 * Flows are first summed per (period, reporter, partner, product, flow); World (0) and self-pairs are
 * dropped. Exposed separately so the gap analysis and the factor estimate reuse the same pairing.
 */
export function flowsCte(name = 'flows'): string {
  return `${name} AS (
    SELECT period, reporter, partner, product, flow,
           MAX(reporterIso) AS reporter_iso,
           MAX(partnerIso) AS partner_iso,
           SUM(CAST(value AS DECIMAL(18,4))) AS value,
           CASE WHEN COUNT(weightKg) = COUNT(*) THEN SUM(CAST(weightKg AS DOUBLE)) END AS weight_kg,
           CASE WHEN COUNT(quantity) = COUNT(*) THEN SUM(CAST(quantity AS DOUBLE)) END AS quantity,
           MIN(classification) AS classification
    FROM trade_src
    WHERE flow IN ('M', 'X') AND partner <> '0' AND partner <> reporter
    GROUP BY period, reporter, partner, product, flow
  )`;
}

export function pairsCte(imports?: ImportSide): { ctes: string; params: SqlValue[] } {
  const flows = importFlowsCte(imports);
  const ctes = `${flows.ctes},
  pairs AS (
    SELECT i.period,
           i.reporter AS importer,
           COALESCE(i.reporter_iso, e.partner_iso) AS importer_iso,
           i.partner AS exporter,
           COALESCE(e.reporter_iso, i.partner_iso) AS exporter_iso,
           i.product,
           i.classification AS import_classification,
           e.classification AS export_classification,
           i.value AS import_value,
           e.value AS export_value,
           i.weight_kg AS import_weight_kg,
           e.weight_kg AS export_weight_kg,
           i.quantity AS import_quantity,
           e.quantity AS export_quantity,
           CASE WHEN i.value > 0 AND e.value > 0
                THEN ln(CAST(i.value AS DOUBLE) / CAST(e.value AS DOUBLE)) END AS log_ratio
    FROM flows i
    JOIN flows e
      ON e.period = i.period AND e.reporter = i.partner AND e.partner = i.reporter AND e.product = i.product
    WHERE i.flow = 'M' AND e.flow = 'X'
  )`;
  return { ctes, params: flows.params };
}

/** Longest-prefix tariff rate per product of `source` (a CTE with a `product` column). */
export function ratesCte(source: string): string {
  return `rates AS (
    SELECT product, rate_percent FROM (
      SELECT p.product, CAST(t.ratePercent AS DOUBLE) AS rate_percent,
             ROW_NUMBER() OVER (PARTITION BY p.product ORDER BY length(t.hsCode) DESC) AS rn
      FROM (SELECT DISTINCT product FROM ${source}) p
      JOIN tariffs_src t ON substr(p.product, 1, length(t.hsCode)) = t.hsCode
    ) ranked WHERE rn = 1
  )`;
}

/**
 * The CTEs up to `mirror` (every pair with its statistics, computed over all pairs so that flags do not
 * depend on the filters), for callers that select from `mirror` in several ways in one statement.
 */
export function mirrorCtes(
  settings: MirrorSettings,
  source: TradeSource = CANONICAL,
  imports?: ImportSide,
): { ctes: string; params: SqlValue[] } {
  const f = literal(settings.cifFobFactor, 'cifFobFactor');
  const z = literal(settings.zThreshold, 'zThreshold');
  const rate = literal(settings.defaultRatePercent, 'defaultRatePercent');
  const src = sourceCtes(source, readsDeclarations(imports));
  const pairs = pairsCte(imports);
  const ctes = `${src.ctes},
  ${pairs.ctes},
  ${medianCte('medians', 'pairs', 'log_ratio')},
  deviations AS (
    SELECT p.product, abs(p.log_ratio - m.value) AS deviation
    FROM pairs p JOIN medians m ON p.product = m.product
    WHERE p.log_ratio IS NOT NULL
  ),
  ${medianCte('mads', 'deviations', 'deviation')},
  ${ratesCte('pairs')},
  scored AS (
    SELECT p.*,
           ${f} AS cif_fob_factor,
           CASE WHEN d.value > 0 THEN (p.log_ratio - m.value) / (1.4826 * d.value) END AS robust_z,
           COALESCE(r.rate_percent, ${rate}) AS duty_rate_percent
    FROM pairs p
    LEFT JOIN medians m ON p.product = m.product
    LEFT JOIN mads d ON p.product = d.product
    LEFT JOIN rates r ON p.product = r.product
  ),
  mirror AS (
    SELECT period, importer, importer_iso, exporter, exporter_iso, product,
           import_classification, export_classification,
           import_value, export_value, cif_fob_factor,
           CAST(export_value AS DOUBLE) * cif_fob_factor AS adjusted_export_value,
           CAST(export_value AS DOUBLE) * cif_fob_factor - CAST(import_value AS DOUBLE) AS value_gap,
           CAST(import_value AS DOUBLE) / NULLIF(CAST(export_value AS DOUBLE), 0) AS ratio,
           log_ratio,
           import_weight_kg, export_weight_kg,
           CAST(import_value AS DOUBLE) / NULLIF(import_weight_kg, 0) AS import_unit_value,
           CAST(export_value AS DOUBLE) / NULLIF(export_weight_kg, 0) AS export_unit_value,
           import_quantity, export_quantity,
           import_quantity - export_quantity AS quantity_gap,
           import_weight_kg - export_weight_kg AS weight_gap,
           robust_z,
           COALESCE(abs(robust_z) > ${z}, false) AS flagged,
           duty_rate_percent,
           GREATEST(CAST(export_value AS DOUBLE) * cif_fob_factor - CAST(import_value AS DOUBLE), 0)
             * duty_rate_percent / 100 AS potential_duty_loss
    FROM scored
  )`;
  return { ctes, params: [...src.params, ...pairs.params] };
}

/** The full mirror table SQL (unfiltered statistics, filtered output). */
export function mirrorTableSql(
  settings: MirrorSettings,
  filters: MirrorFilters = {},
  tail = '',
  source: TradeSource = CANONICAL,
  imports?: ImportSide,
): { sql: string; params: SqlValue[] } {
  const { where, params } = filterClause(filters);
  const m = mirrorCtes(settings, source, imports);
  const sql = `WITH ${m.ctes}
  SELECT ${MIRROR_COLUMNS.join(', ')} FROM mirror ${where} ${tail}`;
  return { sql, params: [...m.params, ...params] };
}

/** Summary columns over a mirror table `source` (a table name or a parenthesised query); DECIMAL sums are exact. */
export function summarySelect(source: string): string {
  return `SELECT COUNT(*) AS pairs,
            CAST(SUM(import_value) AS VARCHAR) AS imports_value,
            CAST(SUM(export_value) AS VARCHAR) AS mirror_exports_value,
            SUM(adjusted_export_value) AS adjusted_exports_value,
            SUM(CASE WHEN flagged THEN 1 ELSE 0 END) AS flagged,
            SUM(potential_duty_loss) AS potential_duty_loss
          FROM ${source} m`;
}

/** Summary over the (filtered) mirror table. */
export function mirrorSummarySql(
  settings: MirrorSettings,
  filters: MirrorFilters = {},
  source: TradeSource = CANONICAL,
  imports?: ImportSide,
): { sql: string; params: SqlValue[] } {
  const inner = mirrorTableSql(settings, filters, '', source, imports);
  return { sql: summarySelect(`(${inner.sql})`), params: inner.params };
}

/**
 * Data-estimated CIF/FOB factor: exp(median log(import / export)) over every pair (all importers, so an
 * importer's own undervaluation is not absorbed into its factor).
 */
export function estimateFactorSql(source: TradeSource = CANONICAL): { sql: string; params: SqlValue[] } {
  const src = sourceCtes(source);
  // Comtrade pairs only: the factor describes freight and insurance between reporters' statistics.
  const sql = `WITH ${src.ctes},
  ${pairsCte().ctes},
  ranked AS (
    SELECT log_ratio AS x, ROW_NUMBER() OVER (ORDER BY log_ratio) AS rn, COUNT(*) OVER () AS n
    FROM pairs WHERE log_ratio IS NOT NULL
  )
  SELECT exp(AVG(x)) AS factor, MAX(n) AS pairs FROM ranked
  WHERE rn IN (FLOOR(CAST(n + 1 AS DOUBLE) / 2), FLOOR(CAST(n + 2 AS DOUBLE) / 2))`;
  return { sql, params: src.params };
}
