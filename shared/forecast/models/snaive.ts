import type { FittedModel } from '../types.ts';
import { normalForecast } from './common.ts';

function points(y: ArrayLike<number>, lag: number, h: number): Float64Array {
  const n = y.length;
  const f = new Float64Array(h);
  for (let i = 0; i < h; i++) f[i] = y[n - lag + (i % lag)];
  return f;
}

/**
 * Seasonal naive (R's snaive): each month repeats the same month last year. Falls back to the
 * naive (last value) forecast when the series is shorter than one season.
 */
export function fitSnaive(y: Float64Array, m: number): FittedModel {
  const lag = y.length > m ? m : 1;
  let ss = 0;
  let k = 0;
  for (let t = lag; t < y.length; t++) {
    ss += (y[t] - y[t - lag]) ** 2;
    k++;
  }
  const sigma = k > 0 ? Math.sqrt(ss / k) : 0;
  return {
    method: lag === 1 ? 'naive' : 'snaive',
    forecast(h) {
      const sd = new Float64Array(h);
      for (let i = 0; i < h; i++) sd[i] = sigma * Math.sqrt(Math.floor(i / lag) + 1);
      return normalForecast(points(y, lag, h), sd);
    },
    forecastFrom(yy, h) {
      return points(yy, lag, h);
    },
  };
}
