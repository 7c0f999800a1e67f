/**
 * Forecasting customs revenue: monthly forecasts with 80%/95% intervals, model choice by
 * rolling-origin backtest, and early warnings when collections fall below the 80% interval.
 */

export { DEFAULT_MIN_LENGTH, forecastSeries, horizonProblem, seriesProblem } from './forecast.ts';
export { AccuracyAccumulator } from './metrics.ts';
export { type M3Row, m3Start, ParseError, parseM3, parseRevenueCsv } from './parse.ts';
export { addMonths, formatPeriod, parsePeriod } from './period.ts';
export type { ForecastOptions, ForecastPoint, InputSeries, MethodName, SeriesForecast } from './types.ts';
export { type EarlyWarning, earlyWarnings } from './warnings.ts';
