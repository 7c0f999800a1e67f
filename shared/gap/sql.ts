import { countryCodesCte, declaredLinesCte } from '../mirror/declared-imports.ts';
import { CANONICAL, sourceCtes, type TradeSource } from '../mirror/source.ts';
import { filterClause, flowsCte, InvalidFilterError, type MirrorFilters, ratesCte } from '../mirror/sql.ts';
import type { SqlValue } from '../ports/query-engine.ts';

/**
 * Revenue gap SQL over the canonical `trade`, `tariffs` and (optionally) `declarations` tables, in the
 * Trino/DuckDB common subset (see shared/mirror/sql.ts for the rules).
 *
 * One line per (period, importer, exporter, HS product):
 *   mirror    = exporter-reported exports to the importer × CIF/FOB factor (null when not reported)
 *   declared  = the importer's declared value: its Comtrade imports, or its own declarations (in US$)
 *   collected = taxes on the declarations (total taxes, else value × applied rate, else value × statutory);
 *               with Comtrade imports only, declared × statutory (no rate gap can be seen)
 *   potential = max(mirror, declared) × statutory
 *   valuation = (mirror − declared) × statutory   where declared > 0 and mirror > declared
 *   volume    = mirror × statutory                where nothing was declared
 *   rate      = max(0, declared × statutory − collected)
 *   over      = max(0, collected − declared × statutory)   (collected above statutory: other taxes, penalties)
 * so that potential − collected = valuation + volume + rate − over, line by line and in every total.
 */

export interface GapSettings {
  cifFobFactor: number;
  defaultRatePercent: number;
  /** Declared-currency units per US$ (declarations are in the administration's currency; Comtrade in US$). */
  exchangeRate: number;
  /** Declarations are aggregated to the trade table's period: "year" (YYYY) or "month" (YYYYMM). */
  periodGranularity: 'year' | 'month';
}

export const DEFAULT_GAP_SETTINGS: GapSettings = {
  cifFobFactor: 1.1,
  defaultRatePercent: 0,
  exchangeRate: 1,
  periodGranularity: 'year',
};

function literal(n: number, name: string): string {
  if (!Number.isFinite(n)) throw new InvalidFilterError(`${name} must be a finite number`);
  return `CAST(${n.toFixed(12).replace(/\.?0+$/, '') || '0'} AS DOUBLE)`;
}

/** Lines from Comtrade alone: the importer's reported imports are the declared side. */
function comtradeLinesCte(f: string): string {
  return `${flowsCte()},
  imports AS (
    SELECT period, reporter AS importer, reporter_iso AS importer_iso, partner AS exporter,
           partner_iso AS exporter_iso, product, CAST(value AS DOUBLE) AS declared
    FROM flows WHERE flow = 'M'
  ),
  exports AS (
    SELECT period, partner AS importer, partner_iso AS importer_iso, reporter AS exporter,
           reporter_iso AS exporter_iso, product, CAST(value AS DOUBLE) * ${f} AS mirror
    FROM flows WHERE flow = 'X'
  ),
  joined AS (
    SELECT COALESCE(i.period, e.period) AS period,
           COALESCE(i.importer, e.importer) AS importer,
           COALESCE(i.importer_iso, e.importer_iso) AS importer_iso,
           COALESCE(i.exporter, e.exporter) AS exporter,
           COALESCE(e.exporter_iso, i.exporter_iso) AS exporter_iso,
           COALESCE(i.product, e.product) AS product,
           e.mirror, i.declared,
           CAST(NULL AS DOUBLE) AS collected_known, CAST(NULL AS DOUBLE) AS declared_without_tax
    FROM imports i
    FULL OUTER JOIN exports e
      ON i.period = e.period AND i.importer = e.importer AND i.exporter = e.exporter AND i.product = e.product
  )`;
}

/**
 * Lines from the administration's declarations (import side) against partners' Comtrade exports to
 * the reporter (mirror side). Declarations are matched on origin country (ISO2 or ISO3) and HS6; the
 * aggregation (declaredLinesCte) is the one the mirror table uses for declared imports.
 */
function declarationLinesCte(f: string, settings: GapSettings, reporterWhere: string): string {
  return `${flowsCte()}, ${countryCodesCte()},
  ${declaredLinesCte(settings)},
  exports AS (
    SELECT period, partner AS importer, partner_iso AS importer_iso, reporter AS exporter,
           reporter_iso AS exporter_iso, product, CAST(value AS DOUBLE) * ${f} AS mirror
    FROM flows WHERE flow = 'X'
  ),
  reporter_exports AS (
    SELECT * FROM exports ${reporterWhere}
  ),
  joined AS (
    SELECT COALESCE(x.period, dl.period) AS period,
           x.importer, x.importer_iso,
           x.exporter,
           COALESCE(x.exporter_iso, dl.exporter_iso) AS exporter_iso,
           COALESCE(x.product, dl.product) AS product,
           x.mirror, dl.declared, dl.collected_known, dl.declared_without_tax
    FROM reporter_exports x
    FULL OUTER JOIN declared_lines dl
      ON x.period = dl.period AND x.exporter_iso = dl.exporter_iso AND x.product = dl.product
  )`;
}

function linesSql(
  settings: GapSettings,
  withDeclarations: boolean,
  filters: MirrorFilters,
  source: TradeSource,
) {
  const f = literal(settings.cifFobFactor, 'cifFobFactor');
  const rate = literal(settings.defaultRatePercent, 'defaultRatePercent');
  let base: string;
  let params: SqlValue[] = [];
  let where: string;
  if (withDeclarations) {
    if (!filters.reporter)
      throw new InvalidFilterError('the gap over declarations needs the reporter (importing country)');
    const rep = filterClause({ reporter: filters.reporter });
    base = declarationLinesCte(f, settings, rep.where);
    const rest = filterClause({ ...filters, reporter: undefined });
    params = [...rep.params, ...rest.params];
    where = rest.where;
  } else {
    base = comtradeLinesCte(f);
    const all = filterClause(filters);
    params = all.params;
    where = all.where;
  }
  const src = sourceCtes(source, withDeclarations);
  params = [...src.params, ...params];
  const sql = `WITH ${src.ctes},
  ${base},
  ${ratesCte('joined')},
  valued AS (
    SELECT j.*,
           COALESCE(r.rate_percent, ${rate}) / 100 AS rate,
           COALESCE(j.declared, 0) AS decl,
           COALESCE(j.mirror, 0) AS mirr
    FROM joined j LEFT JOIN rates r ON j.product = r.product
  ),
  collected AS (
    SELECT v.*,
           ${
             withDeclarations
               ? 'COALESCE(collected_known, 0) + COALESCE(declared_without_tax, 0) * rate'
               : 'decl * rate'
           } AS coll
    FROM valued v
  ),
  lines AS (
    SELECT period, importer, importer_iso, exporter, exporter_iso, product,
           substr(product, 1, 2) AS chapter,
           mirror AS mirror_value, declared AS declared_value, rate * 100 AS statutory_rate_percent,
           GREATEST(mirr, decl) * rate AS potential,
           coll AS actual,
           CASE WHEN decl > 0 AND mirr > decl THEN (mirr - decl) * rate ELSE 0 END AS valuation_gap,
           CASE WHEN decl = 0 THEN mirr * rate ELSE 0 END AS volume_gap,
           GREATEST(decl * rate - coll, 0) AS rate_gap,
           GREATEST(coll - decl * rate, 0) AS over_collection
    FROM collected
  )
  SELECT * FROM lines ${where}`;
  return { sql, params };
}

const SUMS = `COUNT(*) AS lines,
  SUM(potential) AS potential, SUM(actual) AS actual,
  SUM(valuation_gap) AS valuation_gap, SUM(volume_gap) AS volume_gap,
  SUM(rate_gap) AS rate_gap, SUM(over_collection) AS over_collection,
  SUM(COALESCE(mirror_value, 0)) AS mirror_value, SUM(COALESCE(declared_value, 0)) AS declared_value`;

/** Totals and breakdowns (HS chapter, partner, period) in one statement. */
export function gapBreakdownSql(
  settings: GapSettings,
  withDeclarations: boolean,
  filters: MirrorFilters = {},
  source: TradeSource = CANONICAL,
): { sql: string; params: SqlValue[] } {
  const { sql, params } = linesSql(settings, withDeclarations, filters, source);
  return {
    sql: `WITH gap_lines AS (${sql})
    SELECT 'total' AS dimension, 'all' AS key, ${SUMS} FROM gap_lines
    UNION ALL
    SELECT 'chapter' AS dimension, chapter AS key, ${SUMS} FROM gap_lines GROUP BY chapter
    UNION ALL
    SELECT 'partner' AS dimension, COALESCE(exporter_iso, exporter) AS key, ${SUMS} FROM gap_lines
      GROUP BY COALESCE(exporter_iso, exporter)
    UNION ALL
    SELECT 'period' AS dimension, period AS key, ${SUMS} FROM gap_lines GROUP BY period`,
    params,
  };
}

/** The gap lines themselves (for CSV export), ordered by total gap. */
export function gapLinesSql(
  settings: GapSettings,
  withDeclarations: boolean,
  filters: MirrorFilters = {},
  source: TradeSource = CANONICAL,
): { sql: string; params: SqlValue[] } {
  return linesSql(settings, withDeclarations, filters, source);
}
