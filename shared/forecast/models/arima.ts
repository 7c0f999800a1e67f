import { isSeasonal, seasonalFigure } from '../decompose.ts';
import { nelderMead } from '../optim.ts';
import { mean } from '../stats.ts';
import type { FittedModel, ModelForecast } from '../types.ts';
import { normalForecast } from './common.ts';

/**
 * Non-seasonal ARIMA(p,d,q) on the seasonally adjusted series (the "STL/decomposition + ARIMA"
 * approach of R's stlf(method = "arima"), with a classical decomposition): d by repeated KPSS tests
 * as auto.arima's ndiffs(), then p, q in 0..2 with and without a constant/drift, estimated by
 * conditional sum of squares and chosen by AICc. Prediction intervals from the psi weights.
 */

export interface ArimaFit {
  p: number;
  d: number;
  q: number;
  constant: boolean;
  ar: Float64Array;
  ma: Float64Array;
  mu: number;
  sigma2: number;
  aicc: number;
}

/** KPSS level-stationarity statistic with Bartlett long-run variance, lag trunc(3·√n/13) as ndiffs(). */
export function kpssStat(x: ArrayLike<number>): number {
  const n = x.length;
  const mu = mean(x);
  const e = new Float64Array(n);
  for (let i = 0; i < n; i++) e[i] = x[i] - mu;
  let s = 0;
  let eta = 0;
  for (let i = 0; i < n; i++) {
    s += e[i];
    eta += s * s;
  }
  eta /= n * n;
  const L = Math.trunc((3 * Math.sqrt(n)) / 13);
  let lrv = 0;
  for (let i = 0; i < n; i++) lrv += e[i] * e[i];
  for (let l = 1; l <= L; l++) {
    let c = 0;
    for (let i = l; i < n; i++) c += e[i] * e[i - l];
    lrv += 2 * (1 - l / (L + 1)) * c;
  }
  lrv /= n;
  return lrv > 0 ? eta / lrv : 0;
}

function diff(x: ArrayLike<number>): Float64Array {
  const out = new Float64Array(Math.max(0, x.length - 1));
  for (let i = 1; i < x.length; i++) out[i - 1] = x[i] - x[i - 1];
  return out;
}

function isConstant(x: ArrayLike<number>): boolean {
  for (let i = 1; i < x.length; i++) if (x[i] !== x[0]) return false;
  return true;
}

/** Number of differences making the series KPSS-stationary at 5% (critical value 0.463), at most 2. */
export function ndiffs(x: ArrayLike<number>, maxD = 2): number {
  let d = 0;
  let z: ArrayLike<number> = x;
  while (d < maxD && z.length > 8 && !isConstant(z) && kpssStat(z) > 0.463) {
    z = diff(z);
    d++;
  }
  return d;
}

/** Stationarity (or invertibility, for MA coefficients with flipped sign) of an order ≤ 2 polynomial. */
function stableOrder2(a1: number, a2: number): boolean {
  const r = 0.995;
  return Math.abs(a2) < r && a1 + a2 < r && a2 - a1 < r;
}

function residualsCss(
  w: Float64Array,
  t0: number,
  p: number,
  q: number,
  ar: ArrayLike<number>,
  ma: ArrayLike<number>,
  mu: number,
  e: Float64Array,
): number {
  let sse = 0;
  e.fill(0);
  for (let t = t0; t < w.length; t++) {
    let v = w[t] - mu;
    for (let i = 0; i < p; i++) v -= ar[i] * (w[t - 1 - i] - mu);
    for (let j = 0; j < q; j++) if (t - 1 - j >= 0) v -= ma[j] * e[t - 1 - j];
    e[t] = v;
    sse += v * v;
  }
  return sse;
}

function fitOrder(
  w: Float64Array,
  p: number,
  q: number,
  constant: boolean,
  t0: number,
): Omit<ArimaFit, 'd'> | null {
  const nc = w.length - t0;
  const k = p + q + (constant ? 1 : 0) + 1;
  if (nc - k - 1 <= 0) return null;
  const e = new Float64Array(w.length);
  const ar = new Float64Array(p);
  const ma = new Float64Array(q);
  const mu0 = constant ? mean(w) : 0;
  const unpack = (x: ArrayLike<number>): number | null => {
    for (let i = 0; i < p; i++) ar[i] = x[i];
    for (let j = 0; j < q; j++) ma[j] = x[p + j];
    if (!stableOrder2(ar[0] ?? 0, ar[1] ?? 0)) return null;
    if (!stableOrder2(-(ma[0] ?? 0), -(ma[1] ?? 0))) return null;
    return constant ? x[p + q] : 0;
  };
  const obj = (x: Float64Array): number => {
    const mu = unpack(x);
    if (mu === null) return Number.POSITIVE_INFINITY;
    return residualsCss(w, t0, p, q, ar, ma, mu, e);
  };
  const x0 = new Float64Array(p + q + (constant ? 1 : 0));
  if (constant) x0[p + q] = mu0;
  let best: { x: Float64Array; value: number } = { x: x0, value: obj(x0) };
  if (x0.length > 0) {
    // Per-coordinate steps: coefficients live on [−1, 1], the constant on the data's scale.
    const steps = new Float64Array(x0.length).fill(0.1);
    if (constant) {
      let sd = 0;
      for (let i = 0; i < w.length; i++) sd += (w[i] - mu0) ** 2;
      steps[p + q] = Math.sqrt(sd / w.length) * 0.1 || 0.1;
    }
    best = nelderMead(obj, x0, { maxEvals: 600, steps });
  }
  const mu = unpack(best.x);
  if (mu === null || !Number.isFinite(best.value)) return null;
  const sse = best.value;
  const sigma2 = sse / nc;
  const m2ll = nc * (Math.log(2 * Math.PI * Math.max(sigma2, 1e-300)) + 1);
  const aicc = m2ll + 2 * k + (2 * k * (k + 1)) / (nc - k - 1);
  return { p, q, constant, ar: ar.slice(), ma: ma.slice(), mu, sigma2: sse / Math.max(1, nc - k + 1), aicc };
}

export interface ArimaOptions {
  /** Most differences allowed (auto.arima: 2). */
  maxD?: number;
  /** Allow a drift term when d = 1. */
  drift?: boolean;
}

export function fitArimaAuto(x: Float64Array, o: ArimaOptions = {}): ArimaFit | null {
  const d = ndiffs(x, o.maxD ?? 2);
  let w: Float64Array = x;
  for (let i = 0; i < d; i++) w = diff(w);
  const t0 = 2;
  let best: ArimaFit | null = null;
  for (let p = 0; p <= 2; p++)
    for (let q = 0; q <= 2; q++)
      for (const constant of d === 0 || (d === 1 && (o.drift ?? true)) ? [true, false] : [false]) {
        const f = fitOrder(w, p, q, constant, t0);
        if (f && (!best || f.aicc < best.aicc)) best = { ...f, d };
      }
  return best;
}

/** Forecast mean and sd of the undifferenced series h steps after x. */
function arimaForecast(fit: ArimaFit, x: Float64Array, h: number): { mean: Float64Array; sd: Float64Array } {
  const levels: Float64Array[] = [x];
  for (let i = 0; i < fit.d; i++) levels.push(diff(levels[i]));
  const w = levels[fit.d];
  const e = new Float64Array(w.length);
  residualsCss(w, Math.min(2, w.length), fit.p, fit.q, fit.ar, fit.ma, fit.mu, e);
  const N = w.length;
  const wf = new Float64Array(N + h);
  wf.set(w);
  const ef = new Float64Array(N + h);
  ef.set(e);
  for (let t = N; t < N + h; t++) {
    let v = fit.mu;
    for (let i = 0; i < fit.p; i++) v += fit.ar[i] * (wf[t - 1 - i] - fit.mu);
    for (let j = 0; j < fit.q; j++) v += fit.ma[j] * ef[t - 1 - j];
    wf[t] = v;
  }
  let f = wf.subarray(N);
  for (let lvl = fit.d - 1; lvl >= 0; lvl--) {
    const base = levels[lvl];
    const out = new Float64Array(h);
    let last = base[base.length - 1];
    for (let i = 0; i < h; i++) {
      last += f[i];
      out[i] = last;
    }
    f = out;
  }
  // psi weights of φ(B)(1−B)^d y = θ(B) e
  let poly = [1, ...Array.from(fit.ar, (a) => -a)];
  for (let i = 0; i < fit.d; i++) {
    const next = new Array(poly.length + 1).fill(0);
    for (let j = 0; j < poly.length; j++) {
      next[j] += poly[j];
      next[j + 1] -= poly[j];
    }
    poly = next;
  }
  const a = poly.slice(1).map((c) => -c);
  const psi = new Float64Array(h);
  psi[0] = 1;
  for (let j = 1; j < h; j++) {
    let v = j <= fit.q ? fit.ma[j - 1] : 0;
    for (let i = 1; i <= Math.min(j, a.length); i++) v += a[i - 1] * psi[j - i];
    psi[j] = v;
  }
  const sd = new Float64Array(h);
  let acc = 0;
  for (let j = 0; j < h; j++) {
    acc += psi[j] * psi[j];
    sd[j] = Math.sqrt(fit.sigma2 * acc);
  }
  return { mean: Float64Array.from(f), sd };
}

/** Seasonal adjustment shared by the ARIMA model: multiplicative for positive data, additive otherwise. */
function adjuster(y: Float64Array, m: number): { figure: Float64Array; mult: boolean } | null {
  if (!isSeasonal(y, m)) return null;
  let positive = true;
  for (let i = 0; i < y.length; i++) if (!(y[i] > 0)) positive = false;
  const figure = seasonalFigure(y, m, positive ? 'multiplicative' : 'additive');
  if (positive) for (let k = 0; k < m; k++) if (!(figure[k] > 1e-4)) return null;
  return { figure, mult: positive };
}

export function fitArima(y: Float64Array, m: number, o: ArimaOptions = {}): FittedModel | null {
  const adj = adjuster(y, m);
  const sa = (yy: Float64Array): Float64Array => {
    if (!adj) return yy;
    const out = new Float64Array(yy.length);
    for (let t = 0; t < yy.length; t++)
      out[t] = adj.mult ? yy[t] / adj.figure[t % m] : yy[t] - adj.figure[t % m];
    return out;
  };
  const fit = fitArimaAuto(sa(y), o);
  if (!fit) return null;
  const reseason = (n: number, f: { mean: Float64Array; sd: Float64Array }): ModelForecast => {
    if (!adj) return normalForecast(f.mean, f.sd);
    const h = f.mean.length;
    const meanOut = new Float64Array(h);
    const sdOut = new Float64Array(h);
    for (let i = 0; i < h; i++) {
      const s = adj.figure[(n + i) % m];
      meanOut[i] = adj.mult ? f.mean[i] * s : f.mean[i] + s;
      sdOut[i] = adj.mult ? f.sd[i] * s : f.sd[i];
    }
    return normalForecast(meanOut, sdOut);
  };
  const name = `arima(${fit.p},${fit.d},${fit.q})${fit.constant ? (fit.d === 0 ? '+mean' : '+drift') : ''}`;
  return {
    method: name,
    forecast: (h) => reseason(y.length, arimaForecast(fit, sa(y), h)),
    forecastFrom: (yy, h) => reseason(yy.length, arimaForecast(fit, sa(yy), h)).mean,
  };
}
