/**
 * Mirror data analysis: what a country says it imported from each partner against what the partner
 * says it exported to it, on the QueryEngine (DuckDB locally, Athena in the cloud).
 */
export {
  countryCodesCte,
  declaredLinesCte,
  IMPORTS_MODES,
  type ImportSide,
  type ImportsMode,
  importFlowsCte,
  importsFrom,
  tradeGranularity,
} from './declared-imports.ts';
export type { LoadReport, SqlSession } from './load-comtrade.ts';
export { loadComtradeCsv, TradeFileError } from './load-comtrade.ts';
export { createEmptyTariffs, loadTariffsCsv } from './load-tariffs.ts';
export type { MirrorPair, MirrorResponse, MirrorSummary } from './response.ts';
export { MAX_PAGE, mirrorResponse, parseMirrorQuery, SCATTER_LIMIT } from './response.ts';
export { TARIFF_DDL, TRADE_COLUMNS, TRADE_DDL } from './schema.ts';
export { CANONICAL, sourceCtes, type TradeSource } from './source.ts';
export {
  DEFAULT_SETTINGS,
  InvalidFilterError,
  MIRROR_COLUMNS,
  type MirrorColumn,
  type MirrorFilters,
  type MirrorSettings,
  mirrorCtes,
  mirrorSummarySql,
  mirrorTableSql,
  summarySelect,
} from './sql.ts';
export {
  cents,
  FACTOR_BOUNDS,
  type MirrorSummaryRow,
  mirrorRows,
  mirrorSummary,
  type PageRequest,
  querySummary,
  resolveCifFobFactor,
  round,
} from './summary.ts';
