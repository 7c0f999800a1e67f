import countries from 'i18n-iso-countries';
import type { QueryEngine, SqlValue } from '../ports/query-engine.ts';
import { CANONICAL, sourceCtes, type TradeSource } from './source.ts';
import { countryPredicate, flowsCte, InvalidFilterError } from './sql.ts';

/**
 * The administration's own declarations as the import side of mirror pairs (and as the declared side
 * of the revenue gap). One aggregation, `declared_lines`, serves both: declarations summed per
 * period × origin country (ISO3) × HS6, with the CIF value converted to US$.
 *
 * Trino/DuckDB common subset, as the rest of the mirror SQL (see sql.ts).
 */

/** Where the import side of the mirror pairs comes from. */
export type ImportsMode = 'comtrade' | 'declarations' | 'auto';
export const IMPORTS_MODES: readonly ImportsMode[] = ['comtrade', 'declarations', 'auto'];

export interface DeclaredLinesSettings {
  /** Declared-currency units per US$ (declarations are in the administration's currency). */
  exchangeRate: number;
  /** Declarations are aggregated to the trade table's period: "year" (YYYY) or "month" (YYYYMM). */
  periodGranularity: 'year' | 'month';
}

export interface ImportSide extends DeclaredLinesSettings {
  /**
   * - comtrade: Comtrade imports only (the declarations are not read);
   * - declarations: the reporter's Comtrade imports are replaced by its declarations;
   * - auto: declarations only when the reporter has no Comtrade import rows at all.
   */
  mode: ImportsMode;
  /** The country the declarations belong to (ISO3 or numeric code). */
  reporter?: string;
}

function literal(n: number, name: string): string {
  if (!Number.isFinite(n)) throw new InvalidFilterError(`${name} must be a finite number`);
  return `CAST(${n.toFixed(12).replace(/\.?0+$/, '') || '0'} AS DOUBLE)`;
}

/** ISO 3166 alpha-2 -> alpha-3 as an inline VALUES table, so the lake needs no country table. */
export function countryCodesCte(): string {
  const rows = Object.entries(countries.getAlpha2Codes())
    .filter(([a2, a3]) => /^[A-Z]{2}$/.test(a2) && /^[A-Z]{3}$/.test(a3))
    .map(([a2, a3]) => `('${a2}', '${a3}')`);
  return `country_codes (iso2, iso3) AS (VALUES ${rows.join(', ')})`;
}

/**
 * `declared_lines` (period, exporter_iso, product, declared, collected_known, declared_without_tax,
 * weight_kg, quantity) over `declarations_src`; needs `country_codes` (countryCodesCte) before it.
 * Values are in US$ (CIF / exchange rate); origin codes in ISO2 or ISO3 become ISO3.
 */
export function declaredLinesCte(settings: DeclaredLinesSettings): string {
  const fx = literal(settings.exchangeRate, 'exchangeRate');
  const day = 'CAST(d.date AS VARCHAR)';
  const period =
    settings.periodGranularity === 'month'
      ? `substr(${day}, 1, 4) || substr(${day}, 6, 2)`
      : `substr(${day}, 1, 4)`;
  return `declared_lines AS (
    SELECT ${period} AS period,
           COALESCE(c.iso3, upper(d.originCountry)) AS exporter_iso,
           substr(d.hsCode, 1, 6) AS product,
           SUM(CAST(d.cifValue AS DOUBLE)) / ${fx} AS declared,
           SUM(CASE WHEN d.totalTaxes IS NOT NULL THEN CAST(d.totalTaxes AS DOUBLE)
                    WHEN d.taxRate IS NOT NULL THEN CAST(d.cifValue AS DOUBLE) * CAST(d.taxRate AS DOUBLE) / 100
                    ELSE 0 END) / ${fx} AS collected_known,
           SUM(CASE WHEN d.totalTaxes IS NULL AND d.taxRate IS NULL THEN CAST(d.cifValue AS DOUBLE) ELSE 0 END)
             / ${fx} AS declared_without_tax,
           CASE WHEN COUNT(d.weightKg) = COUNT(*) THEN SUM(CAST(d.weightKg AS DOUBLE)) END AS weight_kg,
           CASE WHEN COUNT(d.quantity) = COUNT(*) THEN SUM(CAST(d.quantity AS DOUBLE)) END AS quantity
    FROM declarations_src d
    LEFT JOIN country_codes c ON upper(d.originCountry) = c.iso2
    WHERE d.cifValue IS NOT NULL AND d.hsCode IS NOT NULL AND d.date IS NOT NULL
    GROUP BY 1, 2, 3
  )`;
}

/** True when the import side reads declarations at all (and so needs `declarations_src`). */
export function readsDeclarations(imports: ImportSide | undefined): boolean {
  if (!imports || imports.mode === 'comtrade') return false;
  if (!imports.reporter) {
    if (imports.mode === 'declarations')
      throw new InvalidFilterError('imports from declarations need the reporter (the declarations’ country)');
    return false; // auto without a reporter: nobody to attribute the declarations to
  }
  return true;
}

const FLOW_COLS =
  'period, reporter, partner, product, flow, reporter_iso, partner_iso, value, weight_kg, quantity, classification';

/**
 * The `flows` CTE of the mirror pairing, with the reporter's import rows taken from its declarations
 * where `imports` says so. Declared lines are matched to the exporters' Comtrade rows on ISO3 and HS6
 * to get the exporter's numeric code (the pairing key); the import classification reads
 * "declarations". Without declarations this is exactly flowsCte().
 */
export function importFlowsCte(imports: ImportSide | undefined): { ctes: string; params: SqlValue[] } {
  if (!readsDeclarations(imports) || !imports?.reporter) return { ctes: flowsCte(), params: [] };
  const params: SqlValue[] = [];
  const match = (code: string, iso: string) => {
    const p = countryPredicate(imports.reporter as string, code, iso, 'reporter');
    params.push(...p.params);
    return p.sql;
  };
  const ctes = `${flowsCte('flows_comtrade')},
  ${countryCodesCte()},
  ${declaredLinesCte(imports)},
  reporter_exports AS (
    SELECT * FROM flows_comtrade WHERE flow = 'X' AND ${match('partner', 'partner_iso')}
  ),
  comtrade_reporter_imports AS (
    SELECT COUNT(*) AS n FROM flows_comtrade WHERE flow = 'M' AND ${match('reporter', 'reporter_iso')}
  ),
  declared_imports AS (
    SELECT x.period, x.partner AS reporter, x.reporter AS partner, x.product, 'M' AS flow,
           x.partner_iso AS reporter_iso, x.reporter_iso AS partner_iso,
           CAST(dl.declared AS DECIMAL(18,4)) AS value, dl.weight_kg, dl.quantity,
           'declarations' AS classification
    FROM reporter_exports x
    JOIN declared_lines dl ON dl.period = x.period AND dl.exporter_iso = x.reporter_iso AND dl.product = x.product
  ),
  flows AS (
    SELECT ${FLOW_COLS} FROM (
      SELECT f.* FROM flows_comtrade f CROSS JOIN comtrade_reporter_imports c
      WHERE NOT (f.flow = 'M' AND ${match('f.reporter', 'f.reporter_iso')}
                 AND ${imports.mode === 'auto' ? 'c.n = 0' : '1 = 1'})
    ) kept
    UNION ALL
    SELECT ${FLOW_COLS} FROM (
      SELECT d.* FROM declared_imports d CROSS JOIN comtrade_reporter_imports c
      WHERE ${imports.mode === 'auto' ? 'c.n = 0' : '1 = 1'}
    ) declared
  )`;
  return { ctes, params };
}

/** "year" when the trade table holds YYYY periods, "month" for YYYYMM. */
export async function tradeGranularity(
  engine: QueryEngine,
  source: TradeSource = CANONICAL,
): Promise<'year' | 'month'> {
  const src = sourceCtes(source);
  const [row] = await engine.query(
    `WITH ${src.ctes} SELECT MAX(length(period)) AS len FROM trade_src`,
    src.params,
  );
  return Number(row?.len ?? 4) >= 6 ? 'month' : 'year';
}

/**
 * Whether the declarations actually supply the reporter's imports under `imports` (for reports):
 * "declarations" when they do, "comtrade" otherwise.
 */
export async function importsFrom(
  engine: QueryEngine,
  imports: ImportSide | undefined,
  source: TradeSource = CANONICAL,
): Promise<'comtrade' | 'declarations'> {
  if (!readsDeclarations(imports) || !imports?.reporter) return 'comtrade';
  if (imports.mode === 'declarations') return 'declarations';
  const src = sourceCtes(source);
  const p = countryPredicate(imports.reporter, 'reporter', 'reporter_iso', 'reporter');
  const [row] = await engine.query(
    `WITH ${src.ctes}, ${flowsCte()} SELECT COUNT(*) AS n FROM flows WHERE flow = 'M' AND ${p.sql}`,
    [...src.params, ...p.params],
  );
  return Number(row?.n ?? 0) === 0 ? 'declarations' : 'comtrade';
}
