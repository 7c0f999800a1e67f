import { parsePeriod } from './period.ts';
import type { InputSeries, SeriesForecast } from './types.ts';

export interface EarlyWarning {
  series: string;
  period: string;
  actual: number;
  expected: number;
  lo80: number;
  /** How far below the lower 80% bound the actual fell (positive). */
  shortfall: number;
}

/**
 * Months where actual collections fell below the lower bound of the 80% prediction interval
 * forecast earlier: the early-warning signal for a revenue drop.
 */
export function earlyWarnings(actual: InputSeries[], forecasts: SeriesForecast[]): EarlyWarning[] {
  const byName = new Map(actual.map((s) => [s.name, s]));
  const out: EarlyWarning[] = [];
  for (const f of forecasts) {
    const a = byName.get(f.name);
    if (!a || f.error) continue;
    const start = parsePeriod(a.start);
    if (start === undefined) continue;
    for (const p of f.forecasts) {
      const idx = (parsePeriod(p.period) ?? Number.NaN) - start;
      const v = a.values[idx];
      if (v === null || v === undefined || !Number.isFinite(v)) continue;
      if (v < p.lo80)
        out.push({
          series: f.name,
          period: p.period,
          actual: v,
          expected: p.mean,
          lo80: p.lo80,
          shortfall: p.lo80 - v,
        });
    }
  }
  return out;
}
