import { describe, expect, it } from 'vitest';
import { isSeasonal, seasonalFigure } from '../../../shared/forecast/decompose.ts';
import { fitArimaAuto, kpssStat, ndiffs } from '../../../shared/forecast/models/arima.ts';
import { etsModel, fitEtsAuto, fitEtsModel, specName } from '../../../shared/forecast/models/ets.ts';
import { fitSnaive } from '../../../shared/forecast/models/snaive.ts';
import { fitSes, fitTheta } from '../../../shared/forecast/models/theta.ts';
import { normalSampler, qnorm, rng } from '../../../shared/forecast/stats.ts';

const seasonal = (n: number, noise = 0, seed = 7) => {
  const z = normalSampler(rng(seed));
  return Float64Array.from(
    { length: n },
    (_, t) => 100 + 0.5 * t + 20 * Math.sin((2 * Math.PI * t) / 12) + noise * z(),
  );
};

describe('stats', () => {
  it('qnorm matches known quantiles', () => {
    expect(qnorm(0.975)).toBeCloseTo(1.959963985, 8);
    expect(qnorm(0.9)).toBeCloseTo(1.281551566, 8);
    expect(qnorm(0.5)).toBeCloseTo(0, 12);
  });
});

describe('seasonal naive', () => {
  it('repeats last year and widens its interval each year', () => {
    const y = Float64Array.from({ length: 36 }, (_, t) => (t % 12) * 10 + Math.floor(t / 12));
    const f = fitSnaive(y, 12).forecast(24);
    expect(Array.from(f.mean.slice(0, 12))).toEqual(Array.from(y.slice(24, 36)));
    expect(f.hi95[12] - f.lo95[12]).toBeGreaterThan(f.hi95[11] - f.lo95[11]);
  });
});

describe('theta (R thetaf)', () => {
  it('equals R forecast::thetaf on a short non-seasonal series', () => {
    // R 4.x, forecast 8.20: thetaf(ts(y), h = 3)$mean and $upper
    const y = Float64Array.from([12, 15, 14, 18, 20, 19, 23, 25, 24, 28, 30, 29]);
    const f = fitTheta(y, 1).forecast(3);
    const r = [29.8201128821, 30.640042952, 31.4599730219];
    for (const [i, v] of r.entries()) expect(f.mean[i]).toBeCloseTo(v, 5);
    for (const [i, v] of [33.2826889945, 35.5366190979, 37.4569291308].entries())
      expect(f.hi80[i]).toBeCloseTo(v, 5);
    for (const [i, v] of [35.1156660666, 38.1287099332, 40.6315259319].entries())
      expect(f.hi95[i]).toBeCloseTo(v, 5);
  });

  it('follows the SES-with-drift formula: l_n + b/2·(h−1 + (1−(1−α)^n)/α)', () => {
    const y = Float64Array.from([5, 7, 6, 9, 8, 11, 10, 12, 14, 13]);
    const n = y.length;
    const ses = fitSes(y);
    // OLS slope of y on 0..n−1, by hand
    const tm = (n - 1) / 2;
    const ym = y.reduce((a, b) => a + b, 0) / n;
    let sxy = 0;
    let sxx = 0;
    y.forEach((v, t) => {
      sxy += (t - tm) * (v - ym);
      sxx += (t - tm) ** 2;
    });
    const b = sxy / sxx;
    const a = ses.alpha;
    const f = fitTheta(y, 1).forecast(4);
    for (let h = 1; h <= 4; h++)
      expect(f.mean[h - 1]).toBeCloseTo(ses.level + (b / 2) * (h - 1 + (1 - (1 - a) ** n) / a), 10);
  });

  it('SES alpha minimises the squared errors (checked on a dense grid)', () => {
    const y = Float64Array.from([3, 5, 4, 6, 8, 7, 6, 9, 10, 8, 11, 12]);
    const sse = (alpha: number, l0: number) => {
      let l = l0;
      let s = 0;
      for (const v of y) {
        s += (v - l) ** 2;
        l += alpha * (v - l);
      }
      return s;
    };
    const fit = fitSes(y);
    for (let a = 0.01; a < 1; a += 0.01)
      for (let l0 = 0; l0 < 8; l0 += 0.25) expect(sse(a, l0)).toBeGreaterThanOrEqual(fit.sse - 1e-9);
  });

  it('reseasonalises when the lag-12 autocorrelation is significant (R thetaf on a seasonal series)', () => {
    // set.seed(1); round(100 + 20*sin(2*pi*(1:60)/12) + rnorm(60, 0, 2), 6); thetaf(ts(s, frequency = 12), h = 3)$mean
    const s = Float64Array.from([
      108.747092, 117.687795, 118.328743, 120.51107, 110.659016, 98.359063, 90.974858, 84.156141, 81.151563,
      82.068715, 93.023562, 100.779686, 108.757519, 112.891108, 122.249862, 117.230641, 109.967619,
      101.887672, 91.642442, 83.867295, 81.837955, 84.243765, 90.14913, 96.021297, 111.239651, 117.208251,
      119.688409, 114.379003, 109.0437, 100.835883, 92.717359, 82.473916, 80.775343, 82.571882, 87.245881,
      99.170011, 109.21142, 117.201881, 122.200051, 118.84686, 109.670953, 99.493277, 91.393927, 83.792818,
      78.622489, 81.264502, 90.729164, 101.537066, 109.775308, 119.082724, 120.796212, 116.096455, 110.682239,
      97.741274, 92.866047, 86.640292, 79.265557, 80.591223, 91.139439, 99.729891,
    ]);
    expect(isSeasonal(s, 12)).toBe(true);
    const f = fitTheta(s, 12).forecast(3);
    // R's Nelder–Mead stops a little short of the exact SES optimum found here: agree to ~1e-6 relative.
    for (const [i, v] of [109.715981146, 116.510545801, 121.13310428].entries())
      expect(f.mean[i]).toBeCloseTo(v, 3);
  });

  it('intervals widen with the horizon', () => {
    const f = fitTheta(seasonal(60, 3), 12).forecast(18);
    const w = Array.from(f.mean, (_, i) => (f.hi95[i] - f.lo95[i]) / f.mean[i]);
    expect(w[17]).toBeGreaterThan(w[0]);
  });
});

describe('decomposition', () => {
  it('recovers a multiplicative seasonal figure normalised to mean 1', () => {
    const pattern = [0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.2, 1.1, 1.0, 0.9, 0.8, 0.7];
    const mean = pattern.reduce((a, b) => a + b) / 12;
    const y = Float64Array.from({ length: 72 }, (_, t) => 50 * pattern[t % 12]);
    const fig = seasonalFigure(y, 12, 'multiplicative');
    for (const [k, p] of pattern.entries()) expect(fig[k]).toBeCloseTo(p / mean, 10);
  });
});

describe('ETS', () => {
  const simulateAnn = (alpha: number, n: number, sigma: number, seed: number) => {
    const z = normalSampler(rng(seed));
    const y = new Float64Array(n);
    let l = 100;
    for (let t = 0; t < n; t++) {
      const e = sigma * z();
      y[t] = l + e;
      l += alpha * e;
    }
    return y;
  };

  it('recovers the smoothing parameter of simulated ETS(A,N,N) data', () => {
    const y = simulateAnn(0.3, 400, 2, 11);
    const fit = fitEtsModel(y, { error: 'A', trend: 'N', season: 'N' }, 1);
    expect(fit?.params.alpha).toBeGreaterThan(0.2);
    expect(fit?.params.alpha).toBeLessThan(0.4);
    expect(Math.sqrt(fit?.sigma2 ?? 0)).toBeCloseTo(2, 0);
  });

  it('recovers the trend and damping of simulated ETS(A,Ad,N) data roughly', () => {
    const z = normalSampler(rng(5));
    const y = new Float64Array(300);
    let l = 50;
    let b = 2;
    for (let t = 0; t < y.length; t++) {
      const e = z();
      y[t] = l + 0.9 * b + e;
      l = l + 0.9 * b + 0.5 * e;
      b = 0.9 * b + 0.1 * e;
    }
    const fit = fitEtsModel(y, { error: 'A', trend: 'Ad', season: 'N' }, 1);
    expect(fit?.params.alpha).toBeGreaterThan(0.3);
    expect(fit?.params.alpha).toBeLessThan(0.7);
    expect(fit?.params.phi).toBeGreaterThan(0.8);
  });

  it('selects a seasonal model by AICc for a strongly seasonal series, not for white noise', () => {
    const s = fitEtsAuto(seasonal(72, 1), 12, { optimiseSeasonalInit: false });
    expect(s?.spec.season).not.toBe('N');
    const noise = simulateAnn(0.0001, 72, 1, 3);
    const n = fitEtsAuto(noise, 12, { optimiseSeasonalInit: false });
    expect(n && specName(n.spec)).toMatch(/^[AM]NN$/);
  });

  it('analytic (additive) and simulated (multiplicative) intervals widen with the horizon', () => {
    const y = simulateAnn(0.4, 80, 3, 9);
    for (const error of ['A', 'M'] as const) {
      const fit = fitEtsModel(y, { error, trend: 'N', season: 'N' }, 1);
      if (!fit) throw new Error('no fit');
      const f = etsModel(fit, y, 1).forecast(12);
      expect(f.hi95[11] - f.lo95[11]).toBeGreaterThan(f.hi95[0] - f.lo95[0]);
      expect(f.hi80[0] - f.lo80[0]).toBeLessThan(f.hi95[0] - f.lo95[0]);
    }
  });
});

describe('ARIMA', () => {
  it('finds no difference and recovers phi of a simulated AR(1)', () => {
    const z = normalSampler(rng(21));
    const y = new Float64Array(400);
    for (let t = 1; t < y.length; t++) y[t] = 0.7 * y[t - 1] + z();
    expect(ndiffs(y)).toBe(0);
    const fit = fitArimaAuto(y);
    expect(fit?.d).toBe(0);
    expect(fit?.p).toBeGreaterThanOrEqual(1);
    if (fit?.p === 1 && fit.q === 0) expect(fit.ar[0]).toBeCloseTo(0.7, 1);
  });

  it('differences a random walk', () => {
    const z = normalSampler(rng(4));
    const y = new Float64Array(200);
    for (let t = 1; t < y.length; t++) y[t] = y[t - 1] + z();
    expect(kpssStat(y)).toBeGreaterThan(0.463);
    expect(ndiffs(y)).toBeGreaterThanOrEqual(1);
  });
});
