import type { FittedModel, ModelForecast } from '../types.ts';

/**
 * Weighted combination (equal weights by default). Point forecasts are averaged; interval bounds are averaged quantile by
 * quantile ("Vincentisation"), which keeps the combined interval as wide as its members' typical one.
 */
export function combine(
  models: FittedModel[],
  weights: number[] = models.map(() => 1),
  method = 'combo',
): FittedModel {
  const total = weights.reduce((a, b) => a + b, 0);
  const avg = (parts: Float64Array[]): Float64Array => {
    const out = new Float64Array(parts[0].length);
    parts.forEach((p, k) => {
      for (let i = 0; i < out.length; i++) out[i] += (p[i] * weights[k]) / total;
    });
    return out;
  };
  return {
    method: `${method}(${models.map((m) => m.method).join('+')})`,
    forecast(h): ModelForecast {
      const fs = models.map((m) => m.forecast(h));
      return {
        mean: avg(fs.map((f) => f.mean)),
        lo80: avg(fs.map((f) => f.lo80)),
        hi80: avg(fs.map((f) => f.hi80)),
        lo95: avg(fs.map((f) => f.lo95)),
        hi95: avg(fs.map((f) => f.hi95)),
      };
    },
    forecastFrom: (y, h) => avg(models.map((m) => m.forecastFrom(y, h))),
  };
}
