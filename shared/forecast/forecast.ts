import { formatPeriod, parsePeriod } from './period.ts';
import { type EngineOptions, forecastOne } from './select.ts';
import type { ForecastOptions, ForecastPoint, InputSeries, MethodName, SeriesForecast } from './types.ts';

export const DEFAULT_MIN_LENGTH = 12;
const METHODS: MethodName[] = ['auto', 'combo', 'theta', 'ets', 'arima', 'snaive'];

/** Why a horizon is unusable, or undefined when it is a positive integer. */
export function horizonProblem(horizon: unknown): string | undefined {
  const h = typeof horizon === 'string' && /^\s*\d+\s*$/.test(horizon) ? Number(horizon) : horizon;
  if (typeof h !== 'number' || !Number.isInteger(h) || h < 1)
    return `horizon must be a positive integer, got ${JSON.stringify(horizon)}`;
  if (h > 1200) return `horizon ${h} is too long (at most 1200 months)`;
  return undefined;
}

/** Why a series cannot be forecast, or undefined when it can. */
export function seriesProblem(s: InputSeries, minLength = DEFAULT_MIN_LENGTH): string | undefined {
  if (s.error) return s.error;
  if (parsePeriod(s.start ?? '') === undefined) return `start "${s.start}" is not a YYYY-MM month`;
  const missing: string[] = [];
  const negative: string[] = [];
  const start = parsePeriod(s.start) as number;
  s.values.forEach((v, i) => {
    if (v === null || v === undefined || !Number.isFinite(v)) missing.push(formatPeriod(start + i));
    else if (v < 0) negative.push(formatPeriod(start + i));
  });
  const list = (a: string[]) => a.slice(0, 5).join(', ') + (a.length > 5 ? `, … (${a.length} in all)` : '');
  if (missing.length) return `missing value for month(s) ${list(missing)}`;
  if (negative.length) return `negative value for month(s) ${list(negative)}`;
  if (s.values.length < minLength)
    return `too short: ${s.values.length} months, at least ${minLength} needed`;
  if (s.values.every((v) => v === 0)) return 'all values are zero';
  return undefined;
}

function engineOptions(o: ForecastOptions): EngineOptions {
  return { m: o.period ?? 12, seed: o.seed ?? 1 };
}

/**
 * Forecasts each series `horizon` months ahead with 80% and 95% intervals. A series that cannot be
 * forecast (too short, all zeros, negative or missing months, bad horizon) gets an `error` and no
 * forecasts; the others are unaffected.
 */
export function forecastSeries(
  series: InputSeries[],
  horizon: unknown,
  options: ForecastOptions = {},
): SeriesForecast[] {
  const hErr = horizonProblem(horizon);
  const method = options.method ?? 'combo';
  if (!METHODS.includes(method)) throw new Error(`unknown method "${method}" (one of ${METHODS.join(', ')})`);
  const o = engineOptions(options);
  return series.map((s): SeriesForecast => {
    const problem = hErr ?? seriesProblem(s, options.minLength);
    if (problem) return { name: s.name, forecasts: [], error: problem };
    const h = Number(horizon);
    const y = Float64Array.from(s.values as number[]);
    try {
      const r = forecastOne(y, h, method, o);
      const start = parsePeriod(s.start) as number;
      const forecasts: ForecastPoint[] = [];
      for (let i = 0; i < h; i++) {
        forecasts.push({
          period: formatPeriod(start + y.length + i),
          mean: r.forecast.mean[i],
          lo80: r.forecast.lo80[i],
          hi80: r.forecast.hi80[i],
          lo95: r.forecast.lo95[i],
          hi95: r.forecast.hi95[i],
        });
      }
      return { name: s.name, method: r.method, forecasts, ...(r.backtest ? { backtest: r.backtest } : {}) };
    } catch (err) {
      return { name: s.name, forecasts: [], error: `could not be forecast: ${(err as Error).message}` };
    }
  });
}
