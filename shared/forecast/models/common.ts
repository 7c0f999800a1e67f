import { Z80, Z95 } from '../stats.ts';
import type { ModelForecast } from '../types.ts';

/** Gaussian intervals around `mean` with standard deviation `sd` per step. */
export function normalForecast(mean: Float64Array, sd: ArrayLike<number>): ModelForecast {
  const h = mean.length;
  const out: ModelForecast = {
    mean,
    lo80: new Float64Array(h),
    hi80: new Float64Array(h),
    lo95: new Float64Array(h),
    hi95: new Float64Array(h),
  };
  for (let i = 0; i < h; i++) {
    out.lo80[i] = mean[i] - Z80 * sd[i];
    out.hi80[i] = mean[i] + Z80 * sd[i];
    out.lo95[i] = mean[i] - Z95 * sd[i];
    out.hi95[i] = mean[i] + Z95 * sd[i];
  }
  return out;
}

/** Multiplies every component by a per-step factor (reseasonalising a seasonally adjusted forecast). */
export function scaleForecast(f: ModelForecast, factor: (i: number) => number): ModelForecast {
  const h = f.mean.length;
  const out: ModelForecast = {
    mean: new Float64Array(h),
    lo80: new Float64Array(h),
    hi80: new Float64Array(h),
    lo95: new Float64Array(h),
    hi95: new Float64Array(h),
  };
  for (let i = 0; i < h; i++) {
    const s = factor(i);
    out.mean[i] = f.mean[i] * s;
    out.lo80[i] = f.lo80[i] * s;
    out.hi80[i] = f.hi80[i] * s;
    out.lo95[i] = f.lo95[i] * s;
    out.hi95[i] = f.hi95[i] * s;
  }
  return out;
}
