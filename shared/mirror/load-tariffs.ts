import type { ExclusionCount, SqlSession } from './load-comtrade.ts';
import { TARIFF_DDL } from './schema.ts';

/**
 * Loads a tariffs CSV (HS code -> statutory duty rate in percent) into the `tariffs` table of a DuckDB
 * session. Codes may be chapters, headings or subheadings; dots and spaces are removed ("4407.99" ->
 * "440799"), and a lost leading zero is restored. Unusable rows are counted per reason.
 */
export interface TariffLoadReport {
  rows: number;
  loaded: number;
  excluded: { total: number; reasons: ExclusionCount[] };
  warnings: string[];
}

const CODE_COLUMNS = ['hscode', 'hs', 'code', 'tariffcode', 'productcode', 'product', 'cmdcode'];
const RATE_COLUMNS = ['ratepercent', 'rate', 'dutyrate', 'duty', 'tariffrate', 'taxrate', 'mfnrate'];

function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

export async function createEmptyTariffs(db: SqlSession): Promise<void> {
  await db.exec(`CREATE OR REPLACE TABLE tariffs (${TARIFF_DDL})`);
}

export async function loadTariffsCsv(db: SqlSession, path: string): Promise<TariffLoadReport> {
  const described = await db.query(
    `DESCRIBE SELECT * FROM read_csv(${sqlString(path)}, header = true, all_varchar = true)`,
  );
  const names = described.map((r) => String(r.column_name));
  const pick = (candidates: string[]) =>
    candidates.map((c) => names.find((n) => n.toLowerCase().replace(/[^a-z0-9]/g, '') === c)).find(Boolean);
  const code = pick(CODE_COLUMNS);
  const rate = pick(RATE_COLUMNS);
  if (!code || !rate) {
    throw new Error(
      `${path}: a tariffs file needs an HS code column (${CODE_COLUMNS.join('/')}) and a rate column ` +
        `(${RATE_COLUMNS.join('/')}, in percent); found ${names.join(', ')}`,
    );
  }
  const q = (n: string) => `"${n.replaceAll('"', '""')}"`;
  await db.exec(`
    CREATE OR REPLACE TEMP TABLE tariffs_checked AS
    WITH src AS (
      SELECT regexp_replace(trim(${q(code)}), '[ .]', '', 'g') AS codeRaw,
             NULLIF(trim(replace(${q(rate)}, '%', '')), '') AS rateRaw
      FROM read_csv(${sqlString(path)}, header = true, all_varchar = true)
    )
    SELECT CASE WHEN length(codeRaw) % 2 = 1 THEN '0' || codeRaw ELSE codeRaw END AS hsCode,
           TRY_CAST(rateRaw AS DOUBLE) AS ratePercent,
           CASE
             WHEN codeRaw IS NULL OR codeRaw = '' THEN 'missing HS code'
             WHEN NOT regexp_full_match(codeRaw, '[0-9]{1,12}') THEN 'non-numeric HS code'
             WHEN rateRaw IS NULL THEN 'missing rate'
             WHEN TRY_CAST(rateRaw AS DOUBLE) IS NULL THEN 'non-numeric rate'
             WHEN TRY_CAST(rateRaw AS DOUBLE) < 0 THEN 'negative rate'
           END AS reason
    FROM src`);
  await db.exec(`CREATE OR REPLACE TABLE tariffs (${TARIFF_DDL})`);
  // A code listed twice keeps its highest rate, so potential revenue is never understated by a typo.
  await db.exec(`INSERT INTO tariffs SELECT hsCode, MAX(ratePercent) FROM tariffs_checked
                 WHERE reason IS NULL GROUP BY hsCode`);
  const reasons = await db.query(
    'SELECT reason, count(*) AS n FROM tariffs_checked WHERE reason IS NOT NULL GROUP BY reason ORDER BY n DESC',
  );
  const [counts] = await db.query(
    `SELECT count(*) AS rows, count(*) FILTER (WHERE reason IS NULL) AS loaded,
            max(ratePercent) FILTER (WHERE reason IS NULL) AS maxRate,
            count(*) FILTER (WHERE reason IS NULL) - count(DISTINCT hsCode) FILTER (WHERE reason IS NULL) AS dups
     FROM tariffs_checked`,
  );
  await db.exec('DROP TABLE tariffs_checked');
  const warnings: string[] = [];
  const maxRate = counts.maxRate === null ? null : Number(counts.maxRate);
  if (maxRate !== null && maxRate > 0 && maxRate <= 1) {
    warnings.push(`every rate is at most 1: rates are read as percent (10 = 10 %), not fractions`);
  }
  if (Number(counts.dups) > 0) warnings.push(`${counts.dups} duplicate HS codes: the highest rate is used`);
  const excluded = reasons.map((r) => ({ reason: String(r.reason), rows: Number(r.n) }));
  return {
    rows: Number(counts.rows),
    loaded: Number(counts.loaded),
    excluded: { total: excluded.reduce((s, r) => s + r.rows, 0), reasons: excluded },
    warnings,
  };
}
