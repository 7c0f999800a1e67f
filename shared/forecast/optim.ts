/**
 * Derivative-free optimisers for the model likelihoods.
 * Hand-written rather than taken from npm (e.g. `fmin`, unmaintained since 2016) because the
 * objective is called thousands of times per series: this version reuses its Float64Array buffers
 * and follows R's optim() Nelder–Mead (reflection 1, contraction 0.5, expansion 2, relative
 * tolerance on the simplex values), which is what forecast::ets uses.
 */

export interface NelderMeadOptions {
  maxEvals?: number;
  relTol?: number;
  /** Initial step per coordinate: 10% of |x0| or `minStep`, as R's optim does. */
  minStep?: number;
  /** Explicit initial simplex step per coordinate (may be negative); overrides minStep. */
  steps?: ArrayLike<number>;
}

export interface OptimResult {
  x: Float64Array;
  value: number;
  evals: number;
}

export function nelderMead(
  f: (x: Float64Array) => number,
  x0: ArrayLike<number>,
  opts: NelderMeadOptions = {},
): OptimResult {
  const n = x0.length;
  const maxEvals = opts.maxEvals ?? 2000;
  const relTol = opts.relTol ?? 1.490116e-8;
  const minStep = opts.minStep ?? 0.1;
  const pts: Float64Array[] = [];
  const vals = new Float64Array(n + 1);
  let evals = 0;
  const ev = (x: Float64Array) => {
    evals++;
    const v = f(x);
    return Number.isNaN(v) ? Number.POSITIVE_INFINITY : v;
  };
  let size = 0;
  for (let i = 0; i < n; i++) size = Math.max(size, 0.1 * Math.abs(x0[i]));
  if (size === 0) size = minStep;
  for (let i = 0; i <= n; i++) {
    const p = Float64Array.from(x0);
    if (i > 0) p[i - 1] += opts.steps ? opts.steps[i - 1] : size;
    pts.push(p);
    vals[i] = ev(p);
  }
  const centroid = new Float64Array(n);
  const xr = new Float64Array(n);
  const xe = new Float64Array(n);
  const xc = new Float64Array(n);
  const order = Array.from({ length: n + 1 }, (_, i) => i);
  while (evals < maxEvals) {
    order.sort((a, b) => vals[a] - vals[b]);
    const best = order[0];
    const worst = order[n];
    const second = order[n - 1];
    const fb = vals[best];
    const fw = vals[worst];
    if (Number.isFinite(fw) && Math.abs(fw - fb) <= relTol * (Math.abs(fb) + relTol)) break;
    centroid.fill(0);
    for (let k = 0; k <= n; k++) {
      if (k === worst) continue;
      const p = pts[k];
      for (let i = 0; i < n; i++) centroid[i] += p[i] / n;
    }
    const pw = pts[worst];
    for (let i = 0; i < n; i++) xr[i] = centroid[i] + (centroid[i] - pw[i]);
    const fr = ev(xr);
    if (fr < fb) {
      for (let i = 0; i < n; i++) xe[i] = centroid[i] + 2 * (xr[i] - centroid[i]);
      const fe = ev(xe);
      if (fe < fr) {
        pw.set(xe);
        vals[worst] = fe;
      } else {
        pw.set(xr);
        vals[worst] = fr;
      }
      continue;
    }
    if (fr < vals[second]) {
      pw.set(xr);
      vals[worst] = fr;
      continue;
    }
    // Contraction: outside if the reflection improved on the worst, inside otherwise.
    const outside = fr < fw;
    for (let i = 0; i < n; i++)
      xc[i] = outside ? centroid[i] + 0.5 * (xr[i] - centroid[i]) : centroid[i] + 0.5 * (pw[i] - centroid[i]);
    const fc = ev(xc);
    if (fc < Math.min(fr, fw)) {
      pw.set(xc);
      vals[worst] = fc;
      continue;
    }
    // Shrink towards the best point.
    const pb = pts[best];
    for (let k = 0; k <= n; k++) {
      if (k === best) continue;
      const p = pts[k];
      for (let i = 0; i < n; i++) p[i] = pb[i] + 0.5 * (p[i] - pb[i]);
      vals[k] = ev(p);
    }
  }
  let bi = 0;
  for (let k = 1; k <= n; k++) if (vals[k] < vals[bi]) bi = k;
  return { x: Float64Array.from(pts[bi]), value: vals[bi], evals };
}

/** Golden-section search for a minimum of a unimodal-ish function on [lo, hi], refined by a final grid check. */
export function goldenSection(
  f: (x: number) => number,
  lo: number,
  hi: number,
  tol = 1e-7,
): { x: number; value: number } {
  const g = (Math.sqrt(5) - 1) / 2;
  let a = lo;
  let b = hi;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = f(c);
  let fd = f(d);
  while (b - a > tol) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = f(d);
    }
  }
  const x = (a + b) / 2;
  return { x, value: f(x) };
}
