import type { QueryEngine, Row, SqlValue } from '../ports/query-engine.ts';
import {
  IMPORTS_MODES,
  type ImportSide,
  type ImportsMode,
  importsFrom,
  readsDeclarations,
  tradeGranularity,
} from './declared-imports.ts';
import { CANONICAL, sourceCtes, type TradeSource } from './source.ts';
import {
  DEFAULT_SETTINGS,
  filterClause,
  InvalidFilterError,
  MIRROR_COLUMNS,
  type MirrorColumn,
  type MirrorFilters,
  type MirrorSettings,
  mirrorCtes,
  pairsCte,
  summarySelect,
} from './sql.ts';
import { cents, type MirrorSummaryRow, querySummary, resolveCifFobFactor } from './summary.ts';

/**
 * GET /v1/mirror — everything the mirror dashboard needs for one view, in one response.
 * docs/mirror-gap.md documents the query parameters and this shape.
 */

/** One mirror pair, camelCase (the SQL columns are snake_case because Athena lower-cases names). */
export interface MirrorPair {
  period: string;
  importer: string;
  importerIso: string | null;
  exporter: string;
  exporterIso: string | null;
  product: string;
  importClassification: string | null;
  exportClassification: string | null;
  importValue: number;
  exportValue: number;
  cifFobFactor: number;
  adjustedExportValue: number;
  valueGap: number;
  ratio: number | null;
  logRatio: number | null;
  importWeightKg: number | null;
  exportWeightKg: number | null;
  importUnitValue: number | null;
  exportUnitValue: number | null;
  importQuantity: number | null;
  exportQuantity: number | null;
  quantityGap: number | null;
  weightGap: number | null;
  robustZ: number | null;
  flagged: boolean;
  dutyRatePercent: number;
  potentialDutyLoss: number;
}

export type MirrorSummary = MirrorSummaryRow;

export interface MirrorResponse {
  filters: { reporter: string | null; partner: string | null; product: string | null; period: string | null };
  settings: {
    cifFobFactor: number;
    cifFobEstimated: boolean;
    zThreshold: number;
    defaultRatePercent: number;
    /** Where the import side may come from (query `imports`, default auto). */
    imports: ImportsMode;
    /** Where the reporter's import side did come from. */
    importsFrom: 'comtrade' | 'declarations';
    /** Declared currency per US$ (declarations only). */
    exchangeRate: number;
  };
  summary: MirrorSummary;
  page: { offset: number; limit: number; total: number; sort: string; order: 'asc' | 'desc' };
  /** The requested page of pairs, sorted. */
  rows: MirrorPair[];
  /** The 10 largest positive value gaps (adjusted mirror − reported). */
  topGaps: MirrorPair[];
  /** Up to SCATTER_LIMIT pairs with both values > 0 for the log-log chart: flagged first, then largest. */
  scatter: {
    period: string;
    importerIso: string | null;
    exporterIso: string | null;
    exporter: string;
    product: string;
    importValue: number;
    exportValue: number;
    flagged: boolean;
    robustZ: number | null;
  }[];
  /** Choices for the filter controls (within the reporter filter). */
  options: {
    reporters: { code: string; iso: string | null }[];
    partners: { code: string; iso: string | null }[];
    products: string[];
    periods: string[];
  };
}

export const SCATTER_LIMIT = 2000;
export const MAX_PAGE = 100_000;
const OPTIONS_LIMIT = 1000;

type Query = URLSearchParams | Record<string, string | string[] | undefined | null>;

function param(q: Query, name: string): string | undefined {
  const v = q instanceof URLSearchParams ? q.get(name) : q[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s === null || s === undefined || s.trim() === '' ? undefined : s.trim();
}

function num(q: Query, name: string, fallback: number, min: number, max: number): number {
  const raw = param(q, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new InvalidFilterError(`${name} must be a number between ${min} and ${max}`);
  }
  return n;
}

const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

function toPair(row: Row): MirrorPair {
  const out: Record<string, SqlValue> = {};
  for (const c of MIRROR_COLUMNS) {
    const v = row[c] ?? null;
    out[camel(c)] = c === 'import_value' || c === 'export_value' ? cents(v) : v;
  }
  out.flagged = row.flagged === true || row.flagged === 'true';
  return out as unknown as MirrorPair;
}

export function parseMirrorQuery(q: Query): {
  filters: MirrorFilters;
  factor: number | 'estimate';
  zThreshold: number;
  defaultRatePercent: number;
  sort: MirrorColumn;
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
  imports: ImportsMode;
  exchangeRate: number;
} {
  const filters: MirrorFilters = {
    reporter: param(q, 'reporter'),
    partner: param(q, 'partner'),
    product: param(q, 'product'),
    period: param(q, 'period'),
  };
  filterClause(filters); // validates every value now, before any query runs
  const cifFob = param(q, 'cifFob');
  const sort = (param(q, 'sort') ?? 'value_gap') as MirrorColumn;
  if (!(MIRROR_COLUMNS as readonly string[]).includes(sort))
    throw new InvalidFilterError(`cannot sort on ${sort}`);
  const order = param(q, 'order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc') throw new InvalidFilterError('order must be asc or desc');
  const imports = (param(q, 'imports') ?? 'auto') as ImportsMode;
  if (!IMPORTS_MODES.includes(imports))
    throw new InvalidFilterError('imports must be comtrade, declarations or auto');
  if (imports === 'declarations' && !filters.reporter)
    throw new InvalidFilterError('imports=declarations needs reporter (the declarations’ country)');
  const fx = param(q, 'exchangeRate');
  const exchangeRate = fx === undefined ? 1 : Number(fx);
  if (!Number.isFinite(exchangeRate) || exchangeRate <= 0)
    throw new InvalidFilterError('exchangeRate must be a positive number');
  return {
    imports,
    exchangeRate,
    filters,
    factor: cifFob === 'estimate' ? 'estimate' : num(q, 'cifFob', DEFAULT_SETTINGS.cifFobFactor, 0.5, 3),
    zThreshold: num(q, 'zThreshold', DEFAULT_SETTINGS.zThreshold, 0, 100),
    defaultRatePercent: num(q, 'defaultRate', DEFAULT_SETTINGS.defaultRatePercent, 0, 1000),
    sort,
    order,
    limit: Math.trunc(num(q, 'limit', 50, 0, MAX_PAGE)),
    offset: Math.trunc(num(q, 'offset', 0, 0, Number.MAX_SAFE_INTEGER)),
  };
}

/**
 * Builds the GET /v1/mirror response from the engine's `trade` and `tariffs` tables (and, for the
 * import side of a reporter without Comtrade imports, its `declarations`). Throws InvalidFilterError
 * (-> HTTP 400) for a bad query parameter.
 *
 * `declarations`: whether the source has a declarations table (default: yes for the lake, whose
 * declarations are the administration's own; no for the canonical tables unless the caller loaded one).
 */
export async function mirrorResponse(
  engine: QueryEngine,
  query: Query,
  options: { source?: TradeSource; declarations?: boolean } = {},
): Promise<MirrorResponse> {
  const source = options.source ?? CANONICAL;
  const q = parseMirrorQuery(query);
  const hasDeclarations = options.declarations ?? source.kind === 'lake';
  if (q.imports === 'declarations' && !hasDeclarations)
    throw new InvalidFilterError('imports=declarations: no declarations to read');
  const mode: ImportsMode = hasDeclarations ? q.imports : 'comtrade';
  const imports: ImportSide = {
    mode,
    reporter: q.filters.reporter,
    exchangeRate: q.exchangeRate,
    periodGranularity: 'year',
  };
  if (readsDeclarations(imports)) imports.periodGranularity = await tradeGranularity(engine, source);
  const { factor, estimated } = await resolveCifFobFactor(engine, q.factor, source);
  const settings: MirrorSettings = {
    cifFobFactor: factor,
    zThreshold: q.zThreshold,
    defaultRatePercent: q.defaultRatePercent,
  };
  const filter = filterClause(q.filters);
  const m = mirrorCtes(settings, source, imports);
  const ctes = `WITH ${m.ctes}, filtered AS (SELECT * FROM mirror ${filter.where})`;
  const params = [...m.params, ...filter.params];
  const cols = MIRROR_COLUMNS.join(', ');
  const dir = q.order === 'asc' ? 'ASC' : 'DESC';
  const tie = 'period, importer, exporter, product';

  const summary = await querySummary(engine, `${ctes} ${summarySelect('filtered')}`, params);
  const parts = await engine.query(
    `${ctes}
    SELECT * FROM (SELECT 'page' AS part, ${cols} FROM filtered
                   ORDER BY ${q.sort} ${dir} NULLS LAST, ${tie} OFFSET ${q.offset} LIMIT ${q.limit}) page_rows
    UNION ALL
    SELECT * FROM (SELECT 'top' AS part, ${cols} FROM filtered WHERE value_gap > 0
                   ORDER BY value_gap DESC, ${tie} LIMIT 10) top_rows
    UNION ALL
    SELECT * FROM (SELECT 'scatter' AS part, ${cols} FROM filtered WHERE import_value > 0 AND export_value > 0
                   ORDER BY CASE WHEN flagged THEN 0 ELSE 1 END, import_value DESC, ${tie}
                   LIMIT ${SCATTER_LIMIT}) scatter_rows`,
    params,
  );
  // Rows of a UNION ALL come back in no guaranteed order: re-sort the page the way SQL did.
  const page = parts.filter((r) => r.part === 'page').map(toPair);
  const key = camel(q.sort) as keyof MirrorPair;
  page.sort((a, b) => comparePairs(a, b, key, q.order));
  const topGaps = parts
    .filter((r) => r.part === 'top')
    .map(toPair)
    .sort((a, b) => comparePairs(a, b, 'valueGap', 'desc'));
  const scatter = parts
    .filter((r) => r.part === 'scatter')
    .map(toPair)
    .map((p) => ({
      period: p.period,
      importerIso: p.importerIso,
      exporterIso: p.exporterIso,
      exporter: p.exporter,
      product: p.product,
      importValue: p.importValue,
      exportValue: p.exportValue,
      flagged: p.flagged,
      robustZ: p.robustZ,
    }));

  return {
    filters: {
      reporter: q.filters.reporter ?? null,
      partner: q.filters.partner ?? null,
      product: q.filters.product ?? null,
      period: q.filters.period ?? null,
    },
    settings: {
      ...settings,
      cifFobEstimated: estimated,
      imports: q.imports,
      importsFrom: await importsFrom(engine, imports, source),
      exchangeRate: q.exchangeRate,
    },
    summary,
    page: { offset: q.offset, limit: q.limit, total: summary.pairs, sort: q.sort, order: q.order },
    rows: page,
    topGaps,
    scatter,
    options: await filterOptions(engine, q.filters.reporter, source, imports),
  };
}

function comparePairs(a: MirrorPair, b: MirrorPair, key: keyof MirrorPair, order: 'asc' | 'desc'): number {
  const x = a[key];
  const y = b[key];
  if (x === null && y !== null) return 1; // NULLS LAST either way
  if (y === null && x !== null) return -1;
  let c = 0;
  if (x !== null && y !== null && x !== y) c = (x < y ? -1 : 1) * (order === 'asc' ? 1 : -1);
  if (c !== 0) return c;
  return (
    a.period.localeCompare(b.period) ||
    Number(a.importer) - Number(b.importer) ||
    Number(a.exporter) - Number(b.exporter) ||
    a.product.localeCompare(b.product)
  );
}

/** Filter choices: every reporter, and the partners/products/periods of the chosen reporter's pairs. */
async function filterOptions(
  engine: QueryEngine,
  reporter: string | undefined,
  source: TradeSource,
  imports: ImportSide,
): Promise<MirrorResponse['options']> {
  const { where, params: filterParams } = filterClause({ reporter });
  const src = sourceCtes(source, readsDeclarations(imports));
  const pairs = pairsCte(imports);
  const params = [...src.params, ...pairs.params, ...filterParams];
  const rows = await engine.query(
    `WITH ${src.ctes}, ${pairs.ctes}, chosen AS (SELECT * FROM pairs ${where})
    SELECT * FROM (SELECT 'reporter' AS kind, importer AS code, MAX(importer_iso) AS iso FROM pairs
                   GROUP BY importer ORDER BY MAX(importer_iso), importer LIMIT ${OPTIONS_LIMIT}) r
    UNION ALL
    SELECT * FROM (SELECT 'partner' AS kind, exporter AS code, MAX(exporter_iso) AS iso FROM chosen
                   GROUP BY exporter ORDER BY MAX(exporter_iso), exporter LIMIT ${OPTIONS_LIMIT}) p
    UNION ALL
    SELECT * FROM (SELECT 'product' AS kind, product AS code, CAST(NULL AS VARCHAR) AS iso FROM chosen
                   GROUP BY product ORDER BY product LIMIT ${OPTIONS_LIMIT}) h
    UNION ALL
    SELECT * FROM (SELECT 'period' AS kind, period AS code, CAST(NULL AS VARCHAR) AS iso FROM chosen
                   GROUP BY period ORDER BY period LIMIT ${OPTIONS_LIMIT}) t`,
    params,
  );
  const country = (kind: string) =>
    rows
      .filter((r) => r.kind === kind)
      .map((r) => ({ code: String(r.code), iso: r.iso === null ? null : String(r.iso) }))
      .sort((a, b) => (a.iso ?? `~${a.code}`).localeCompare(b.iso ?? `~${b.code}`));
  const codes = (kind: string) =>
    rows
      .filter((r) => r.kind === kind)
      .map((r) => String(r.code))
      .sort();
  return {
    reporters: country('reporter'),
    partners: country('partner'),
    products: codes('product'),
    periods: codes('period'),
  };
}
