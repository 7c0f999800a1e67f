import type { Row, SqlValue } from '../ports/query-engine.ts';

/**
 * Loads a UN Comtrade CSV (bulk or Comtrade+ layout) into the canonical `trade` table of a DuckDB
 * session, checking every row in SQL. Rows that cannot be used are counted per reason, never dropped
 * silently. This is the one-machine path (CLI, tests, benchmarks); on the lake the ingest step writes
 * the same canonical table.
 */
export interface SqlSession {
  exec(sql: string): Promise<void>;
  query(sql: string, params?: SqlValue[]): Promise<Row[]>;
}

export type ComtradeLayout = 'bulk' | 'comtrade-plus';

export interface ExclusionCount {
  reason: string;
  rows: number;
}

export interface LoadReport {
  layout: ComtradeLayout;
  /** Data rows read from the file. */
  rows: number;
  /** Rows written to the canonical table. */
  loaded: number;
  excluded: { total: number; reasons: ExclusionCount[] };
  /** Rows kept but left out of pairing by the pairing rules (World partner, self-pairs). */
  notPaired: { worldPartner: number; selfPair: number };
  classifications: { classification: string | null; rows: number }[];
  warnings: string[];
}

export class TradeFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TradeFileError';
  }
}

export interface LoadOptions {
  /** Target table name (default "trade"). */
  table?: string;
  /** Keep only this HS revision (e.g. "H5"); other revisions are excluded and counted. */
  classification?: string;
}

/** Header names normalised: lower case, letters and digits only ("reporter_iso" -> "reporteriso"). */
function norm(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Accepted source headers (normalised) for each canonical field, in order of preference. */
const SOURCES = {
  period: ['period', 'year', 'refyear', 'yr'],
  reporter: ['reportercode', 'rtcode'],
  reporterIso: ['reporteriso', 'reporteriso3', 'rt3iso'],
  partner: ['partnercode', 'ptcode'],
  partnerIso: ['partneriso', 'partneriso3', 'pt3iso'],
  flowCode: ['flowcode', 'rgcode', 'tradeflowcode'],
  flowText: ['flow', 'flowdesc', 'rgdesc', 'tradeflow'],
  product: ['productcode', 'cmdcode', 'commoditycode'],
  value: ['tradevalue', 'primaryvalue'],
  quantity: ['quantity', 'qty'],
  weight: ['weight', 'netwgt', 'netweight', 'netweightkg'],
  classification: ['classification', 'classificationcode', 'pfcode'],
} as const;

const REQUIRED = ['period', 'reporter', 'partner', 'product', 'value'] as const;

const IMPORT_FLOWS = ['1', 'M', 'IMPORT', 'IMPORTS'];
const EXPORT_FLOWS = ['2', 'X', 'EXPORT', 'EXPORTS'];
/** Known Comtrade flows that are neither imports nor exports (re-exports, re-imports, processing...). */
const OTHER_FLOWS = [
  '3',
  '4',
  'RX',
  'RM',
  'FM',
  'DX',
  'MIP',
  'XIP',
  'MOP',
  'XOP',
  'MIF',
  'XIF',
  'RE-EXPORT',
  'RE-EXPORTS',
  'RE-IMPORT',
  'RE-IMPORTS',
  'FOREIGN IMPORT',
  'DOMESTIC EXPORT',
];

/** Text cells meaning "no value" in Comtrade extracts (R writes NA, the old API wrote empty cells). */
const MISSING = ['', 'NA', 'N/A', 'NULL', 'NAN', '..', '-'];

function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

function sqlList(items: readonly string[]): string {
  return items.map(sqlString).join(', ');
}

function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Reads a numeric text cell: plain decimals directly, scientific notation through DOUBLE. */
function numeric(col: string, type: string): string {
  return `COALESCE(TRY_CAST(${col} AS ${type}), TRY_CAST(TRY_CAST(${col} AS DOUBLE) AS ${type}))`;
}

export async function detectColumns(
  db: SqlSession,
  path: string,
): Promise<{ layout: ComtradeLayout; columns: Partial<Record<keyof typeof SOURCES, string>> }> {
  let described: Row[];
  try {
    described = await db.query(
      `DESCRIBE SELECT * FROM read_csv(${sqlString(path)}, header = true, all_varchar = true)`,
    );
  } catch (err) {
    throw new TradeFileError(`cannot read ${path} as CSV: ${(err as Error).message.split('\n')[0]}`);
  }
  const names = described.map((r) => String(r.column_name));
  const byNorm = new Map<string, string>();
  for (const n of names) if (!byNorm.has(norm(n))) byNorm.set(norm(n), n);
  const columns: Partial<Record<keyof typeof SOURCES, string>> = {};
  for (const [field, candidates] of Object.entries(SOURCES) as [keyof typeof SOURCES, readonly string[]][]) {
    const found = candidates.find((c) => byNorm.has(c));
    if (found) columns[field] = byNorm.get(found);
  }
  const missing = REQUIRED.filter((f) => !columns[f]);
  if (!columns.flowCode && !columns.flowText) missing.push('flow' as never);
  if (missing.length) {
    throw new TradeFileError(
      `${path}: not a UN Comtrade file (bulk or Comtrade+ layout): no column for ${missing.join(', ')}; ` +
        `found ${names.slice(0, 20).join(', ')}`,
    );
  }
  const layout: ComtradeLayout = byNorm.has('primaryvalue') ? 'comtrade-plus' : 'bulk';
  return { layout, columns };
}

/**
 * Loads `path` into the canonical table and returns what was loaded and what was excluded, and why.
 * The table is replaced.
 */
export async function loadComtradeCsv(
  db: SqlSession,
  path: string,
  options: LoadOptions = {},
): Promise<LoadReport> {
  const table = options.table ?? 'trade';
  if (!/^[a-z_][a-z0-9_]*$/i.test(table)) throw new Error(`invalid table name ${table}`);
  const { layout, columns } = await detectColumns(db, path);
  const cell = (field: keyof typeof SOURCES): string => {
    const col = columns[field];
    if (!col) return 'CAST(NULL AS VARCHAR)';
    return `CASE WHEN upper(trim(${ident(col)})) IN (${sqlList(MISSING)}) THEN NULL ELSE trim(${ident(col)}) END`;
  };
  const flowRaw = `upper(COALESCE(${cell('flowCode')}, ${cell('flowText')}))`;
  const wanted = options.classification?.trim().toUpperCase();
  const checked = `${table}_checked`;

  await db.exec(`
    CREATE OR REPLACE TEMP TABLE ${checked} AS
    WITH src AS (
      SELECT
        ${cell('period')} AS periodRaw,
        ${cell('reporter')} AS reporterRaw,
        ${cell('reporterIso')} AS reporterIso,
        ${cell('partner')} AS partnerRaw,
        ${cell('partnerIso')} AS partnerIso,
        ${flowRaw} AS flowRaw,
        ${columns.flowCode && columns.flowText ? cell('flowText') : 'CAST(NULL AS VARCHAR)'} AS flowLabel,
        ${cell('product')} AS productRaw,
        ${cell('value')} AS valueRaw,
        ${cell('quantity')} AS quantityRaw,
        ${cell('weight')} AS weightRaw,
        upper(${cell('classification')}) AS classification
      FROM read_csv(${sqlString(path)}, header = true, all_varchar = true)
    ),
    typed AS (
      SELECT *,
        replace(periodRaw, '-', '') AS periodDigits,
        ${numeric('reporterRaw', 'BIGINT')} AS reporterNum,
        ${numeric('partnerRaw', 'BIGINT')} AS partnerNum,
        ${numeric('valueRaw', 'DECIMAL(18,4)')} AS valueNum,
        ${numeric('quantityRaw', 'DOUBLE')} AS quantityNum,
        ${numeric('weightRaw', 'DOUBLE')} AS weightNum,
        CASE
          WHEN flowRaw IN (${sqlList(IMPORT_FLOWS)}) THEN 'M'
          WHEN flowRaw IN (${sqlList(EXPORT_FLOWS)}) THEN 'X'
          WHEN flowRaw IN (${sqlList(OTHER_FLOWS)}) THEN 'other'
        END AS flowKind
      FROM src
    )
    SELECT
      periodDigits AS period,
      CAST(reporterNum AS VARCHAR) AS reporter,
      reporterIso,
      CAST(partnerNum AS VARCHAR) AS partner,
      partnerIso,
      CASE WHEN regexp_full_match(productRaw, '[0-9]+') AND length(productRaw) % 2 = 1
           THEN '0' || productRaw ELSE productRaw END AS product,
      flowKind AS flow,
      valueNum AS value,
      quantityNum AS quantity,
      weightNum AS weightKg,
      classification,
      CASE
        WHEN periodRaw IS NULL THEN 'missing period'
        WHEN NOT regexp_full_match(periodDigits, '[0-9]{4}([0-9]{2})?') THEN 'invalid period (want YYYY or YYYYMM)'
        WHEN reporterRaw IS NULL THEN 'missing reporter code'
        WHEN reporterNum IS NULL THEN 'non-numeric reporter code'
        WHEN partnerRaw IS NULL THEN 'missing partner code'
        WHEN partnerNum IS NULL THEN 'non-numeric partner code'
        WHEN productRaw IS NULL THEN 'missing product code'
        WHEN flowRaw IS NULL THEN 'missing flow code'
        WHEN flowKind IS NULL THEN 'unknown flow code ' || flowRaw
        WHEN flowKind = 'other' THEN 'flow ' || flowRaw || COALESCE(' (' || flowLabel || ')', '') || ' is neither import nor export'
        WHEN valueRaw IS NULL THEN 'missing trade value'
        WHEN valueNum IS NULL THEN 'non-numeric trade value'
        WHEN valueNum < 0 THEN 'negative trade value'
        WHEN weightRaw IS NOT NULL AND weightNum IS NULL THEN 'non-numeric weight'
        WHEN weightNum < 0 THEN 'negative weight'
        WHEN quantityRaw IS NOT NULL AND quantityNum IS NULL THEN 'non-numeric quantity'
        ${wanted ? `WHEN classification IS DISTINCT FROM ${sqlString(wanted)} THEN 'classification ' || COALESCE(classification, 'missing') || ' (analysis restricted to ' || ${sqlString(wanted)} || ')'` : ''}
      END AS reason
    FROM typed`);

  await db.exec(`
    CREATE OR REPLACE TABLE ${table} AS
    SELECT period, reporter, reporterIso, partner, partnerIso, product, flow, value, quantity, weightKg, classification
    FROM ${checked} WHERE reason IS NULL`);

  const reasons = await db.query(
    `SELECT reason, count(*) AS n FROM ${checked} WHERE reason IS NOT NULL GROUP BY reason ORDER BY n DESC, reason`,
  );
  const [counts] = await db.query(`
    SELECT count(*) AS rows,
           count(*) FILTER (WHERE reason IS NULL) AS loaded,
           count(*) FILTER (WHERE reason IS NULL AND partner = '0') AS world,
           count(*) FILTER (WHERE reason IS NULL AND partner = reporter) AS self,
           count(*) FILTER (WHERE reason IS NULL AND weightKg IS NULL) AS noWeight
    FROM ${checked}`);
  const classifications = await db.query(
    `SELECT classification, count(*) AS n FROM ${table} GROUP BY classification ORDER BY classification`,
  );
  const [mixedKeys] = await db.query(`
    SELECT count(*) AS n FROM (
      SELECT period, reporter, partner, product, flow FROM ${table}
      GROUP BY period, reporter, partner, product, flow HAVING count(DISTINCT classification) > 1)`);
  await db.exec(`DROP TABLE ${checked}`);

  const warnings: string[] = [];
  const named = classifications.filter((c) => c.classification !== null);
  if (named.length > 1) {
    warnings.push(
      `mixed HS classifications (${named.map((c) => `${c.classification}: ${c.n} rows`).join(', ')}); ` +
        'products are paired on their codes across revisions — pass --classification to restrict to one',
    );
  }
  if (Number(mixedKeys.n) > 0) {
    warnings.push(
      `${mixedKeys.n} (period, reporter, partner, product, flow) keys are reported under more than one ` +
        'classification and are summed; check for double counting',
    );
  }
  if (Number(counts.noWeight) > 0) {
    warnings.push(`${counts.noWeight} rows have no weight: their unit values are left empty`);
  }
  const excludedTotal = reasons.reduce((s, r) => s + Number(r.n), 0);
  return {
    layout,
    rows: Number(counts.rows),
    loaded: Number(counts.loaded),
    excluded: {
      total: excludedTotal,
      reasons: reasons.map((r) => ({ reason: String(r.reason), rows: Number(r.n) })),
    },
    notPaired: { worldPartner: Number(counts.world), selfPair: Number(counts.self) },
    classifications: classifications.map((c) => ({
      classification: c.classification === null ? null : String(c.classification),
      rows: Number(c.n),
    })),
    warnings,
  };
}
