import { seasonalFigure } from '../decompose.ts';
import { nelderMead } from '../optim.ts';
import { linearFit, mean, normalSampler, quantileSorted, rng } from '../stats.ts';
import type { FittedModel, ModelForecast } from '../types.ts';
import { normalForecast } from './common.ts';

/**
 * ETS state-space models (Hyndman, Koehler, Ord & Snyder 2008), following R's forecast::ets:
 * error A/M, trend N/A/Ad, season N/A/M, maximum likelihood by Nelder–Mead over the smoothing
 * parameters and the initial states, "usual" parameter bounds, selection by AICc, and the same
 * restrictions (no additive error with multiplicative season; multiplicative models only for
 * positive data; no multiplicative trend).
 */

export type ErrorType = 'A' | 'M';
export type TrendType = 'N' | 'A' | 'Ad';
export type SeasonType = 'N' | 'A' | 'M';

export interface EtsSpec {
  error: ErrorType;
  trend: TrendType;
  season: SeasonType;
}

export interface EtsParams {
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
  l0: number;
  b0: number;
  /** s0[k] is the seasonal state used at time k (0-based) of the first cycle. */
  s0: Float64Array;
}

export interface EtsFit {
  spec: EtsSpec;
  m: number;
  params: EtsParams;
  /** −2·log-likelihood up to a constant (R's `lik`). */
  lik: number;
  aicc: number;
  sigma2: number;
  nParams: number;
}

const LOWER = [1e-4, 1e-4, 1e-4, 0.8];
const UPPER = [0.9999, 0.9999, 0.9999, 0.98];
const TOL = 1e-10;

export function specName(s: EtsSpec): string {
  return `${s.error}${s.trend}${s.season}`;
}

interface FilterState {
  l: number;
  b: number;
  s: Float64Array;
  /** Sum of squared (relative, for M error) one-step errors of the last run. */
  sse: number;
}

/**
 * Runs the model over y[0..n) from the initial states; returns R's −2·loglik (n·log SSE, plus
 * 2·Σlog|ŷ| for multiplicative error), or +Inf when a forecast leaves the valid region.
 * Leaves the final states in `st` (seasonal slot t % m holds the state for time t + m).
 */
function filter(
  y: ArrayLike<number>,
  n: number,
  spec: EtsSpec,
  m: number,
  p: EtsParams,
  st: FilterState,
): number {
  const { alpha, beta, gamma } = p;
  const phi = spec.trend === 'Ad' ? p.phi : 1;
  const hasTrend = spec.trend !== 'N';
  const seas = spec.season;
  const multErr = spec.error === 'M';
  let l = p.l0;
  let b = hasTrend ? p.b0 : 0;
  const s = st.s;
  if (seas !== 'N') s.set(p.s0);
  let sse = 0;
  let sumLog = 0;
  for (let t = 0; t < n; t++) {
    const k = seas === 'N' ? 0 : t % m;
    const phib = hasTrend ? phi * b : 0;
    const q = l + phib;
    const sk = seas === 'N' ? 0 : s[k];
    const f = seas === 'M' ? q * sk : seas === 'A' ? q + sk : q;
    const yt = y[t];
    let e: number;
    if (multErr) {
      if (!(f > TOL)) return Number.POSITIVE_INFINITY;
      e = (yt - f) / f;
      sumLog += Math.log(f);
    } else {
      e = yt - f;
    }
    sse += e * e;
    // Error-correction updates, identical for additive and multiplicative errors (as R's etscalc).
    let pp: number;
    if (seas === 'N') pp = yt;
    else if (seas === 'A') pp = yt - sk;
    else pp = Math.abs(sk) < TOL ? 1e10 : yt / sk;
    const lNew = q + alpha * (pp - q);
    if (hasTrend) b = phib + (beta / alpha) * (lNew - l - phib);
    if (seas !== 'N') {
      const tt = seas === 'A' ? yt - q : Math.abs(q) < TOL ? 1e10 : yt / q;
      s[k] = sk + gamma * (tt - sk);
    }
    l = lNew;
  }
  st.l = l;
  st.b = b;
  st.sse = sse;
  if (!Number.isFinite(sse)) return Number.POSITIVE_INFINITY;
  return n * Math.log(sse) + (multErr ? 2 * sumLog : 0);
}

/** Point forecasts h steps after time n from final states (seasonal slot convention of filter()). */
function pointForecast(
  spec: EtsSpec,
  m: number,
  phi: number,
  st: FilterState,
  n: number,
  h: number,
): Float64Array {
  const out = new Float64Array(h);
  let phiStar = 0;
  const ph = spec.trend === 'Ad' ? phi : 1;
  for (let i = 0; i < h; i++) {
    phiStar += ph ** (i + 1);
    const base = spec.trend === 'N' ? st.l : st.l + phiStar * st.b;
    const sk = spec.season === 'N' ? 0 : st.s[(n + i) % m];
    out[i] = spec.season === 'M' ? base * sk : spec.season === 'A' ? base + sk : base;
  }
  return out;
}

/** Initial states as R's initstate(): decomposition of the first cycles, regression on the adjusted start. */
function initialStates(
  y: Float64Array,
  spec: EtsSpec,
  m: number,
): { l0: number; b0: number; s0: Float64Array } {
  const n = y.length;
  let sa: Float64Array = y;
  const s0 = new Float64Array(spec.season === 'N' ? 0 : m);
  if (spec.season !== 'N') {
    let seasonal: Float64Array;
    if (n < 3 * m) {
      // Too short for a decomposition: one-harmonic Fourier + trend regression, as R.
      seasonal = fourierSeasonal(y, m, spec.season);
    } else {
      const fig = seasonalFigure(y, m, spec.season === 'A' ? 'additive' : 'multiplicative');
      seasonal = new Float64Array(n);
      for (let t = 0; t < n; t++) seasonal[t] = fig[t % m];
    }
    for (let k = 0; k < m; k++) s0[k] = seasonal[k];
    sa = new Float64Array(n);
    if (spec.season === 'A') {
      for (let t = 0; t < n; t++) sa[t] = y[t] - seasonal[t];
    } else {
      let sum = 0;
      for (let k = 0; k < m; k++) {
        s0[k] = Math.max(s0[k], 1e-2);
        sum += s0[k];
      }
      if (sum > m) for (let k = 0; k < m; k++) s0[k] /= sum + 1e-2;
      for (let t = 0; t < n; t++) sa[t] = y[t] / Math.max(seasonal[t], 1e-2);
    }
  }
  const seasonM = spec.season === 'N' ? 1 : m;
  const maxn = Math.min(Math.max(10, 2 * seasonM), n);
  if (spec.trend === 'N') return { l0: mean(sa, 0, maxn), b0: 0, s0 };
  // lsfit(1:maxn, y.sa[1:maxn]): intercept at t = 0, i.e. one step before the first observation.
  let [l0, b0] = linearFit(sa, 1, 0, maxn);
  if (Math.abs(l0 + b0) < 1e-8) {
    l0 *= 1 + 1e-3;
    b0 *= 1 - 1e-3;
  }
  return { l0, b0, s0 };
}

function fourierSeasonal(y: Float64Array, m: number, season: SeasonType): Float64Array {
  // Regress y on (1, t, sin, cos) by normal equations; small 4x4 system.
  const n = y.length;
  const X = (t: number) => [
    1,
    t + 1,
    Math.sin((2 * Math.PI * (t + 1)) / m),
    Math.cos((2 * Math.PI * (t + 1)) / m),
  ];
  const A = Array.from({ length: 4 }, () => new Float64Array(4));
  const v = new Float64Array(4);
  for (let t = 0; t < n; t++) {
    const x = X(t);
    for (let i = 0; i < 4; i++) {
      v[i] += x[i] * y[t];
      for (let j = 0; j < 4; j++) A[i][j] += x[i] * x[j];
    }
  }
  const c = solve(A, v);
  const out = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const tr = c[0] + c[1] * (t + 1);
    out[t] = season === 'A' ? y[t] - tr : y[t] / tr;
  }
  return out;
}

/** Gaussian elimination with partial pivoting for tiny dense systems. */
export function solve(A: Float64Array[], b: Float64Array): Float64Array {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    [M[c], M[p]] = [M[p], M[c]];
    const d = M[c][c] || 1e-12;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r][c] / d;
      for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  return Float64Array.from(M.map((row, i) => row[n] / (row[i] || 1e-12)));
}

export interface EtsFitOptions {
  /** Optimise the m−1 free seasonal initial states as R does (slower); otherwise keep the decomposition's. */
  optimiseSeasonalInit?: boolean;
  maxEvals?: number;
}

/** Fits one ETS model by maximum likelihood; null when there is too little data for it. */
export function fitEtsModel(
  y: Float64Array,
  spec: EtsSpec,
  m: number,
  opts: EtsFitOptions = {},
): EtsFit | null {
  const n = y.length;
  const seasonal = spec.season !== 'N';
  const hasTrend = spec.trend !== 'N';
  const damped = spec.trend === 'Ad';
  if (seasonal && (m <= 1 || n <= m)) return null;
  const init = initialStates(y, spec, m);
  const optSeas = seasonal && (opts.optimiseSeasonalInit ?? true);
  // Parameter vector: alpha, [beta], [gamma], [phi], l0, [b0], [s0_0 .. s0_{m-2}]
  const idx = { beta: -1, gamma: -1, phi: -1, l0: -1, b0: -1, s: -1 };
  const x0: number[] = [];
  const mm = seasonal ? m : 1;
  const alpha0 = LOWER[0] + (0.2 * (UPPER[0] - LOWER[0])) / mm;
  x0.push(alpha0);
  if (hasTrend) {
    idx.beta = x0.length;
    x0.push(LOWER[1] + 0.1 * (Math.min(UPPER[1], alpha0) - LOWER[1]));
  }
  if (seasonal) {
    idx.gamma = x0.length;
    x0.push(LOWER[2] + 0.05 * (Math.min(UPPER[2], 1 - alpha0) - LOWER[2]));
  }
  if (damped) {
    idx.phi = x0.length;
    x0.push(LOWER[3] + 0.99 * (UPPER[3] - LOWER[3]));
  }
  idx.l0 = x0.length;
  x0.push(init.l0);
  if (hasTrend) {
    idx.b0 = x0.length;
    x0.push(init.b0);
  }
  if (optSeas) {
    idx.s = x0.length;
    for (let k = 0; k < m - 1; k++) x0.push(init.s0[k]);
  }
  // As R: alpha and l0, beta and b0, gamma and m−1 free seasonal states, phi, plus sigma.
  const nPar = 2 + (hasTrend ? 2 : 0) + (seasonal ? m : 0) + (damped ? 1 : 0) + 1;
  if (nPar - 1 >= n - 1) return null; // R: not enough data

  const params: EtsParams = {
    alpha: 0,
    beta: 0,
    gamma: 0,
    phi: 1,
    l0: 0,
    b0: 0,
    s0: Float64Array.from(init.s0),
  };
  const st: FilterState = { l: 0, b: 0, s: new Float64Array(seasonal ? m : 0), sse: 0 };
  const decode = (x: ArrayLike<number>): boolean => {
    params.alpha = x[0];
    params.beta = hasTrend ? x[idx.beta] : 0;
    params.gamma = seasonal ? x[idx.gamma] : 0;
    params.phi = damped ? x[idx.phi] : 1;
    params.l0 = x[idx.l0];
    params.b0 = hasTrend ? x[idx.b0] : 0;
    const a = params.alpha;
    if (a < LOWER[0] || a > UPPER[0]) return false;
    if (hasTrend && (params.beta < LOWER[1] || params.beta > Math.min(a, UPPER[1]))) return false;
    if (seasonal && (params.gamma < LOWER[2] || params.gamma > Math.min(1 - a, UPPER[2]))) return false;
    if (damped && (params.phi < LOWER[3] || params.phi > UPPER[3])) return false;
    if (optSeas) {
      let sum = 0;
      for (let k = 0; k < m - 1; k++) {
        params.s0[k] = x[idx.s + k];
        sum += params.s0[k];
      }
      params.s0[m - 1] = (spec.season === 'M' ? m : 0) - sum;
      if (spec.season === 'M') for (let k = 0; k < m; k++) if (params.s0[k] <= 0) return false;
    }
    return true;
  };
  const objective = (x: Float64Array): number =>
    decode(x) ? filter(y, n, spec, m, params, st) : Number.POSITIVE_INFINITY;
  if (!Number.isFinite(objective(Float64Array.from(x0)))) return null;
  // Per-coordinate initial steps (R uses 10% of the largest |parameter| for all, which throws the
  // smoothing parameters far outside their bounds when the level is large and wastes evaluations).
  let scale = 0;
  for (let t = 0; t < n; t++) scale += Math.abs(y[t]);
  scale = (0.05 * scale) / n || 0.1;
  const steps = x0.map((v, i) => {
    if (i === idx.phi) return -0.02;
    if (i < idx.l0) return 0.05;
    if (i >= idx.s && idx.s >= 0) return spec.season === 'M' ? 0.05 : 0.1 * scale;
    return Math.max(0.1 * Math.abs(v), 0.1 * scale);
  });
  const res = nelderMead(objective, x0, { maxEvals: opts.maxEvals ?? 2000, steps });
  if (!Number.isFinite(res.value) || !decode(res.x)) return null;
  const lik = filter(y, n, spec, m, params, st);
  const sse = st.sse;
  const aic = lik + 2 * nPar;
  const aicc = aic + (2 * nPar * (nPar + 1)) / (n - nPar - 1);
  return {
    spec,
    m,
    params: { ...params, s0: Float64Array.from(params.s0) },
    lik,
    aicc: n - nPar - 1 > 0 ? aicc : Number.POSITIVE_INFINITY,
    sigma2: sse / Math.max(1, n - (nPar - 1)),
    nParams: nPar,
  };
}

/** All admissible models for the data, as ets(model = "ZZZ") with its default restrictions. */
export function candidateSpecs(y: ArrayLike<number>, m: number): EtsSpec[] {
  let positive = true;
  for (let i = 0; i < y.length; i++) if (!(y[i] > 0)) positive = false;
  const seasons: SeasonType[] = m > 1 && y.length > m ? ['N', 'A', 'M'] : ['N'];
  const specs: EtsSpec[] = [];
  for (const error of ['A', 'M'] as ErrorType[]) {
    if (error === 'M' && !positive) continue;
    for (const trend of ['N', 'A', 'Ad'] as TrendType[]) {
      for (const season of seasons) {
        if (error === 'A' && season === 'M') continue;
        if (season === 'M' && !positive) continue;
        specs.push({ error, trend, season });
      }
    }
  }
  return specs;
}

/** Prediction intervals: analytical for additive-error models (class 1), simulated otherwise. */
function etsForecast(fit: EtsFit, st: FilterState, n: number, h: number, seed: number): ModelForecast {
  const { spec, m, params } = fit;
  const mean = pointForecast(spec, m, params.phi, st, n, h);
  const sigma = Math.sqrt(fit.sigma2);
  if (spec.error === 'A') {
    const sd = new Float64Array(h);
    let acc = 1;
    let phiSum = 0;
    for (let i = 0; i < h; i++) {
      sd[i] = sigma * Math.sqrt(acc);
      const j = i + 1;
      phiSum += spec.trend === 'Ad' ? params.phi ** j : 1;
      const c =
        params.alpha +
        (spec.trend === 'N' ? 0 : params.beta * phiSum) +
        (spec.season !== 'N' && j % m === 0 ? params.gamma : 0);
      acc += c * c;
    }
    return normalForecast(mean, sd);
  }
  return simulateIntervals(fit, st, n, h, seed, mean);
}

const PATHS = 2000;

function simulateIntervals(
  fit: EtsFit,
  st: FilterState,
  n: number,
  h: number,
  seed: number,
  mean: Float64Array,
): ModelForecast {
  const { spec, m, params } = fit;
  const sigma = Math.sqrt(fit.sigma2);
  const norm = normalSampler(rng(seed));
  const sims = Array.from({ length: h }, () => new Float64Array(PATHS));
  const s = new Float64Array(st.s.length);
  const phi = spec.trend === 'Ad' ? params.phi : 1;
  for (let p = 0; p < PATHS; p++) {
    let l = st.l;
    let b = st.b;
    s.set(st.s);
    for (let i = 0; i < h; i++) {
      const k = spec.season === 'N' ? 0 : (n + i) % m;
      const phib = spec.trend === 'N' ? 0 : phi * b;
      const q = l + phib;
      const sk = spec.season === 'N' ? 0 : s[k];
      const f = spec.season === 'M' ? q * sk : spec.season === 'A' ? q + sk : q;
      const e = sigma * norm();
      const yt = spec.error === 'M' ? f * (1 + e) : f + e;
      sims[i][p] = yt;
      const pp = spec.season === 'N' ? yt : spec.season === 'A' ? yt - sk : yt / sk;
      const lNew = q + params.alpha * (pp - q);
      if (spec.trend !== 'N') b = phib + (params.beta / params.alpha) * (lNew - l - phib);
      if (spec.season !== 'N') s[k] = sk + params.gamma * ((spec.season === 'A' ? yt - q : yt / q) - sk);
      l = lNew;
    }
  }
  const out: ModelForecast = {
    mean,
    lo80: new Float64Array(h),
    hi80: new Float64Array(h),
    lo95: new Float64Array(h),
    hi95: new Float64Array(h),
  };
  for (let i = 0; i < h; i++) {
    const v = sims[i].sort();
    out.lo80[i] = quantileSorted(v, 0.1);
    out.hi80[i] = quantileSorted(v, 0.9);
    out.lo95[i] = quantileSorted(v, 0.025);
    out.hi95[i] = quantileSorted(v, 0.975);
  }
  return out;
}

export function etsModel(fit: EtsFit, y: Float64Array, seed = 1): FittedModel {
  const states = (yy: Float64Array): FilterState => {
    const st: FilterState = { l: 0, b: 0, s: new Float64Array(fit.spec.season === 'N' ? 0 : fit.m), sse: 0 };
    filter(yy, yy.length, fit.spec, fit.m, fit.params, st);
    return st;
  };
  return {
    method: `ets:${specName(fit.spec)}`,
    forecast: (h) => etsForecast(fit, states(y), y.length, h, seed),
    forecastFrom: (yy, h) => pointForecast(fit.spec, fit.m, fit.params.phi, states(yy), yy.length, h),
  };
}

/** ets(y, "ZZZ"): every admissible model, the lowest AICc wins. */
export function fitEtsAuto(
  y: Float64Array,
  m: number,
  opts: EtsFitOptions & { specs?: EtsSpec[] } = {},
): EtsFit | null {
  let best: EtsFit | null = null;
  for (const spec of opts.specs ?? candidateSpecs(y, m)) {
    const fit = fitEtsModel(y, spec, m, opts);
    if (fit && Number.isFinite(fit.aicc) && (!best || fit.aicc < best.aicc)) best = fit;
  }
  return best;
}
