import type { SqlValue } from '../ports/query-engine.ts';

/**
 * Where the mirror and gap SQL read their inputs. Every statement starts with `trade_src` and
 * `tariffs_src` (and `declarations_src` for the gap over declarations) CTEs in the canonical column
 * shape of shared/mirror/schema.ts, so the analysis SQL is the same over:
 * - "canonical": tables loaded by the CLI (loadComtradeCsv, loadTariffsCsv, loadDeclarationsFile);
 * - "lake": the curated lake tables of shared/ingest/datasets.ts (trade: refYear, refMonth, reporter,
 *   partner, flow import/export/..., hsCode, tradeValueUsd, netWeightKg; tariffs with validity dates;
 *   declarations in the canonical declaration schema), optionally restricted to one administration.
 */
export interface TradeSource {
  kind: 'canonical' | 'lake';
  /** Lake only: the administration partition to read (bound as a parameter). */
  administration?: string;
}

export const CANONICAL: TradeSource = { kind: 'canonical' };

const ADMIN = /^[A-Za-z0-9_-]{1,64}$/;

export function sourceCtes(
  source: TradeSource = CANONICAL,
  withDeclarations = false,
): { ctes: string; params: SqlValue[] } {
  if (source.kind === 'canonical') {
    const ctes = [
      'trade_src AS (SELECT * FROM trade)',
      'tariffs_src AS (SELECT hsCode, ratePercent FROM tariffs)',
      ...(withDeclarations ? ['declarations_src AS (SELECT * FROM declarations)'] : []),
    ];
    return { ctes: ctes.join(',\n  '), params: [] };
  }
  const admin = source.administration;
  if (admin !== undefined && !ADMIN.test(admin)) throw new Error(`invalid administration "${admin}"`);
  const where = admin === undefined ? '' : 'WHERE administration = ?';
  const params: SqlValue[] = [];
  const bind = () => {
    if (admin !== undefined) params.push(admin);
    return where;
  };
  // The lake keeps numeric codes where the upload had them (and the ISO3 beside them); an upload with
  // only ISO3 codes keeps those, so a non-numeric code is its own ISO3.
  const iso = (col: string) => `CASE WHEN TRY_CAST(${col} AS INTEGER) IS NULL THEN ${col} END`;
  const ctes = [
    `trade_src AS (
    SELECT CASE WHEN refMonth IS NULL OR refMonth = 0 THEN CAST(refYear AS VARCHAR)
                ELSE CAST(refYear AS VARCHAR) || lpad(CAST(refMonth AS VARCHAR), 2, '0') END AS period,
           reporter, COALESCE(reporterIso, ${iso('reporter')}) AS reporterIso,
           CASE WHEN partner = 'WLD' THEN '0' ELSE partner END AS partner,
           COALESCE(partnerIso, ${iso('partner')}) AS partnerIso,
           hsCode AS product,
           CASE flow WHEN 'import' THEN 'M' WHEN 'export' THEN 'X' ELSE flow END AS flow,
           tradeValueUsd AS value, quantity, netWeightKg AS weightKg, classification
    FROM trade ${bind()}
  )`,
    // Rates in force: the latest validFrom of each code without an end date.
    `tariffs_src AS (
    SELECT hsCode, ratePercent FROM (
      SELECT hsCode, ratePercent, ROW_NUMBER() OVER (PARTITION BY hsCode ORDER BY validFrom DESC) AS rn
      FROM tariffs ${where ? `${bind()} AND validTo IS NULL` : 'WHERE validTo IS NULL'}
    ) current_rates WHERE rn = 1
  )`,
    ...(withDeclarations ? [`declarations_src AS (SELECT * FROM declarations ${bind()})`] : []),
  ];
  return { ctes: ctes.join(',\n  '), params };
}
