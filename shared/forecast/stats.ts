/**
 * Small numeric helpers used by the forecasting models.
 * Hand-written on purpose: they run inside per-series hot loops over Float64Array, and the
 * candidates on npm (ml-matrix, @stdlib) would add allocation or a dependency for a few lines each.
 */

import { mulberry32 } from '../random/mulberry32.ts';

/** Standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
export function qnorm(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return Number.NEGATIVE_INFINITY;
    if (p === 1) return Number.POSITIVE_INFINITY;
    return Number.NaN;
  }
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const plow = 0.02425;
  let x: number;
  if (p < plow) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - plow) {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
      (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x =
      -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  return x;
}

export const Z80 = qnorm(0.9);
export const Z95 = qnorm(0.975);

export function mean(x: ArrayLike<number>, from = 0, to = x.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i];
  return s / (to - from);
}

/** Sample autocorrelations r_1..r_maxLag, as R's acf(). */
export function acf(x: ArrayLike<number>, maxLag: number): Float64Array {
  const n = x.length;
  const mu = mean(x);
  let c0 = 0;
  for (let i = 0; i < n; i++) c0 += (x[i] - mu) ** 2;
  const r = new Float64Array(maxLag + 1);
  for (let k = 1; k <= maxLag; k++) {
    let ck = 0;
    for (let i = 0; i + k < n; i++) ck += (x[i] - mu) * (x[i + k] - mu);
    r[k] = c0 > 0 ? ck / c0 : 0;
  }
  return r;
}

/** Ordinary least squares of y on (1, t) for t = t0, t0+1, …; returns [intercept, slope]. */
export function linearFit(y: ArrayLike<number>, t0 = 0, from = 0, to = y.length): [number, number] {
  const n = to - from;
  let st = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    st += t0 + i;
    sy += y[from + i];
  }
  const mt = st / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dt = t0 + i - mt;
    sxx += dt * dt;
    sxy += dt * (y[from + i] - my);
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  return [my - slope * mt, slope];
}

/** Deterministic PRNG (mulberry32) so simulated intervals are reproducible. */
export const rng = mulberry32;

/** Standard normal draws by Box–Muller from a uniform generator. */
export function normalSampler(uniform: () => number): () => number {
  let spare = Number.NaN;
  return () => {
    if (!Number.isNaN(spare)) {
      const s = spare;
      spare = Number.NaN;
      return s;
    }
    let u = 0;
    while (u === 0) u = uniform();
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/** Linear-interpolated quantile of a sorted array (R type 7). */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}
