/** The prices Series: extraction, crawling, fx conversion and the valuation cross-check. */
export {
  adminPricesConfigSchema,
  crawlSettingsSchema,
  DEFAULT_USER_AGENT,
  mapProduct,
  type PriceSourceConfig,
  type PricesConfig,
  parsePricesConfig,
  priceSourceConfigSchema,
  pricesConfigSchema,
} from './crawl/config.ts';
export {
  type CrawlReport,
  type CrawlSourceOptions,
  crawlSource,
  type Skipped,
  type SkipReason,
} from './crawl/crawler.ts';
export { OBSERVATION_COLUMNS, type Observation, observationsCsv } from './crawl/observations.ts';
export {
  type CrossCheckOptions,
  type CrossCheckOptionsInput,
  type CrossCheckResult,
  crossCheckOptionsSchema,
  type DeclaredItem,
  declaredToMarketRatio,
  type Evidence,
  MarketIndex,
  type MarketObservation,
  type MarketStats,
  type PricesFlagsQuery,
  pricesFlagsQuerySchema,
  pricesFlagsResponse,
  quantile,
  type ValuationFlag,
  valuationFlags,
} from './crosscheck.ts';
export { currencyFromUrl, findCurrencyInText, normalizeCurrency } from './currency.ts';
export { decodeHtml } from './extract/decode.ts';
export { extractProduct, extractProductFromBytes } from './extract/extract.ts';
export type { Availability, ExtractedProduct, PriceSource } from './extract/types.ts';
export { type FxRow, FxTable, parseFxCsv } from './fx.ts';
export { parsePrice, parseStructuredPrice } from './parse-price.ts';
