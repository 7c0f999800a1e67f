import { isSeasonal, multiplicativeAdjust } from '../decompose.ts';
import { goldenSection } from '../optim.ts';
import { linearFit } from '../stats.ts';
import type { FittedModel, ModelForecast } from '../types.ts';
import { normalForecast, scaleForecast } from './common.ts';

export interface SesFit {
  alpha: number;
  l0: number;
  /** Final level l_n. */
  level: number;
  sse: number;
}

/**
 * SSE of simple exponential smoothing for a given alpha with the initial level profiled out:
 * the one-step errors are linear in l0 (e_t = a_t − (1−α)^(t−1)·l0), so the best l0 has a closed form.
 */
function sesProfile(y: ArrayLike<number>, alpha: number): SesFit {
  const n = y.length;
  let l = 0;
  let c = 1;
  let sac = 0;
  let scc = 0;
  let saa = 0;
  for (let t = 0; t < n; t++) {
    const a = y[t] - l;
    sac += a * c;
    scc += c * c;
    saa += a * a;
    l += alpha * a;
    c *= 1 - alpha;
  }
  const l0 = scc > 0 ? sac / scc : 0;
  const sse = Math.max(0, saa - 2 * l0 * sac + l0 * l0 * scc);
  // Final level is linear in l0 too: l_n(l0) = l_n(0) + (1−α)^n·l0.
  return { alpha, l0, level: l + c * l0, sse };
}

/**
 * Least-squares SES, as R's ses() (ets "ANN", opt.crit "mse", alpha in [1e-4, 0.9999]).
 * A coarse grid brackets the global minimum before golden-section refinement, because the SSE
 * curve in alpha is not always unimodal.
 */
export function fitSes(y: ArrayLike<number>): SesFit {
  const lo = 1e-4;
  const hi = 0.9999;
  const grid = 24;
  let bestI = 0;
  let bestV = Number.POSITIVE_INFINITY;
  const at = (i: number) => lo + ((hi - lo) * i) / grid;
  for (let i = 0; i <= grid; i++) {
    const v = sesProfile(y, at(i)).sse;
    if (v < bestV) {
      bestV = v;
      bestI = i;
    }
  }
  const r = goldenSection(
    (a) => sesProfile(y, a).sse,
    at(Math.max(0, bestI - 1)),
    at(Math.min(grid, bestI + 1)),
    1e-6,
  );
  return sesProfile(y, r.x);
}

interface ThetaCore {
  mean: Float64Array;
  sd: Float64Array;
}

/** The Theta method of Assimakopoulos & Nikolopoulos in Hyndman & Billah's SES-with-drift form (R's thetaf). */
function thetaCore(x: ArrayLike<number>, h: number): ThetaCore {
  const n = x.length;
  const ses = fitSes(x);
  const drift = linearFit(x)[1] / 2;
  const alpha = Math.max(1e-10, ses.alpha);
  const sigma2 = ses.sse / Math.max(1, n - 2);
  const mean = new Float64Array(h);
  const sd = new Float64Array(h);
  const tail = (1 - (1 - alpha) ** n) / alpha;
  for (let i = 0; i < h; i++) {
    mean[i] = ses.level + drift * (i + tail);
    sd[i] = Math.sqrt(sigma2 * (i * alpha * alpha + 1));
  }
  return { mean, sd };
}

/**
 * R's thetaf: classical multiplicative seasonal adjustment when the lag-m autocorrelation is
 * significant (90%), theta forecast of the adjusted series, reseasonalised. Unlike thetaf, the
 * interval half-widths are reseasonalised too (thetaf leaves them on the adjusted scale).
 */
export function fitTheta(y: Float64Array, m: number): FittedModel {
  const run = (yy: Float64Array, h: number): ModelForecast => {
    const n = yy.length;
    const adj = isSeasonal(yy, m) ? multiplicativeAdjust(yy, m) : null;
    const core = thetaCore(adj ? adj.adjusted : yy, h);
    const f = normalForecast(core.mean, core.sd);
    return adj ? scaleForecast(f, (i) => adj.figure[(n + i) % m]) : f;
  };
  return {
    method: 'theta',
    forecast: (h) => run(y, h),
    // Refitting is cheap here (one-dimensional search), so the backtest re-estimates at each origin.
    forecastFrom: (yy, h) => run(yy, h).mean,
  };
}
