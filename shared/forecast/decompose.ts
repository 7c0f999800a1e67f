import { acf, qnorm } from './stats.ts';

/**
 * Seasonality test used by R's forecast::thetaf: the lag-m autocorrelation is significant at 90%
 * (one-sided 95% normal quantile) against Bartlett's standard error from lags 1..m-1.
 */
export function isSeasonal(x: ArrayLike<number>, m: number, z = qnorm(0.95)): boolean {
  const n = x.length;
  if (m <= 1 || n <= 2 * m) return false;
  let constant = true;
  for (let i = 1; i < n; i++)
    if (x[i] !== x[0]) {
      constant = false;
      break;
    }
  if (constant) return false;
  const r = acf(x, m);
  let s = 0;
  for (let k = 1; k < m; k++) s += r[k] * r[k];
  const stat = Math.sqrt((1 + 2 * s) / n);
  return Math.abs(r[m]) / stat > z;
}

/**
 * Seasonal figure of a classical decomposition (R's decompose()): a centred moving average of
 * order m as trend, then the mean detrended value per position in the cycle, normalised to mean 1
 * (multiplicative) or 0 (additive). figure[k] belongs to observations k, k+m, k+2m, … (0-based).
 */
export function seasonalFigure(
  x: ArrayLike<number>,
  m: number,
  type: 'multiplicative' | 'additive',
): Float64Array {
  const n = x.length;
  const half = Math.floor(m / 2);
  const even = m % 2 === 0;
  const sums = new Float64Array(m);
  const counts = new Float64Array(m);
  for (let t = half; t < n - half; t++) {
    let tr = 0;
    if (even) {
      tr = 0.5 * x[t - half] + 0.5 * x[t + half];
      for (let j = -half + 1; j < half; j++) tr += x[t + j];
    } else {
      for (let j = -half; j <= half; j++) tr += x[t + j];
    }
    tr /= m;
    const d = type === 'multiplicative' ? x[t] / tr : x[t] - tr;
    if (Number.isFinite(d)) {
      sums[t % m] += d;
      counts[t % m] += 1;
    }
  }
  const fig = new Float64Array(m);
  let tot = 0;
  for (let k = 0; k < m; k++) {
    fig[k] = counts[k] > 0 ? sums[k] / counts[k] : type === 'multiplicative' ? 1 : 0;
    tot += fig[k];
  }
  const avg = tot / m;
  for (let k = 0; k < m; k++) fig[k] = type === 'multiplicative' ? fig[k] / avg : fig[k] - avg;
  return fig;
}

/** Seasonal adjustment by a multiplicative figure; null when an index is ~0 (as thetaf, which then skips it). */
export function multiplicativeAdjust(
  x: ArrayLike<number>,
  m: number,
): { adjusted: Float64Array; figure: Float64Array } | null {
  const figure = seasonalFigure(x, m, 'multiplicative');
  for (let k = 0; k < m; k++) if (!(Math.abs(figure[k]) >= 1e-4)) return null;
  const adjusted = new Float64Array(x.length);
  for (let t = 0; t < x.length; t++) adjusted[t] = x[t] / figure[t % m];
  return { adjusted, figure };
}
