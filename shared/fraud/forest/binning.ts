/**
 * Pre-binning of numeric features into at most 256 quantile bins, so split search becomes a
 * histogram scan (O(rows) per node and feature) instead of ml-cart's re-sort and re-partition per
 * candidate threshold (O(rows²)).
 *
 * Cut semantics match ml-cart's `x < splitValue goes left`: bin(x) = number of cuts <= x, and the
 * split "bin < c" is exactly "x < cuts[c-1]". Where a feature has at most 256 distinct values the cuts
 * are the midpoints between consecutive distinct values, i.e. ml-cart's own candidate thresholds.
 * NaN (missing) always goes right in ml-cart's predictor (`NaN < t` is false), so missing values get
 * their own top bin, separated from every finite value by the cut Number.MAX_VALUE.
 */
export const MAX_BINS = 256;

export interface BinnedFeatures {
  n: number;
  nFeatures: number;
  /** Column-major bin codes: codes[f * n + i]. */
  codes: Uint8Array;
  /** Per feature, ascending cut values; nBins[f] = cuts[f].length + 1. */
  cuts: Float64Array[];
  /**
   * Per feature, the single value each finite bin holds when the feature has at most 256 distinct
   * values (null otherwise), so a split's threshold can be the node-local midpoint ml-cart uses.
   */
  binValues: (Float64Array | null)[];
  nBins: Uint16Array;
}

export function midpoint(a: number, b: number): number {
  const m = (a + b) / 2;
  // a < cut <= b must hold; (a+b)/2 can round down to a for adjacent doubles.
  return m > a && m <= b ? m : b;
}

/** Chooses cut values for one column: exact midpoints when few distinct values, else quantiles. */
export function chooseCuts(column: ArrayLike<number>, maxBins = MAX_BINS): Float64Array {
  return chooseBins(column, maxBins).cuts;
}

function chooseBins(
  column: ArrayLike<number>,
  maxBins: number,
): { cuts: Float64Array; values: Float64Array | null } {
  const finite: number[] = [];
  let hasNaN = false;
  for (let i = 0; i < column.length; i++) {
    const v = column[i];
    if (Number.isNaN(v)) hasNaN = true;
    else finite.push(v);
  }
  const sorted = Float64Array.from(finite).sort();
  const values: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    if (i > 0 && sorted[i] === sorted[i - 1]) counts[counts.length - 1]++;
    else {
      values.push(sorted[i]);
      counts.push(1);
    }
  }
  const finiteBins = hasNaN ? maxBins - 1 : maxBins;
  const cuts: number[] = [];
  const exact = values.length <= finiteBins;
  if (exact) {
    for (let i = 1; i < values.length; i++) cuts.push(midpoint(values[i - 1], values[i]));
  } else {
    // Greedy equal-frequency bins over distinct values (a heavy value never straddles a cut).
    const total = sorted.length;
    let acc = 0;
    let remainingBins = finiteBins;
    let remaining = total;
    for (let i = 0; i < values.length - 1 && remainingBins > 1; i++) {
      acc += counts[i];
      const target = remaining / remainingBins;
      if (acc >= target || values.length - 1 - i < remainingBins) {
        cuts.push(midpoint(values[i], values[i + 1]));
        remaining -= acc;
        acc = 0;
        remainingBins--;
      }
    }
  }
  if (hasNaN) cuts.push(Number.MAX_VALUE);
  return { cuts: Float64Array.from(cuts), values: exact ? Float64Array.from(values) : null };
}

/** Bin index of a value given its feature's cuts: number of cuts <= x; NaN goes to the top bin. */
export function binOf(x: number, cuts: Float64Array): number {
  if (Number.isNaN(x)) return cuts.length;
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cuts[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Bins every column (columns[f][i] = value of feature f for row i). */
export function binFeatures(columns: ArrayLike<number>[], maxBins = MAX_BINS): BinnedFeatures {
  if (maxBins < 2 || maxBins > 256) throw new RangeError('maxBins must be in 2..256');
  const nFeatures = columns.length;
  const n = nFeatures ? columns[0].length : 0;
  const codes = new Uint8Array(nFeatures * n);
  const cuts: Float64Array[] = [];
  const binValues: (Float64Array | null)[] = [];
  const nBins = new Uint16Array(nFeatures);
  for (let f = 0; f < nFeatures; f++) {
    const col = columns[f];
    if (col.length !== n) throw new RangeError(`feature ${f} has ${col.length} rows, expected ${n}`);
    const { cuts: c, values } = chooseBins(col, maxBins);
    cuts.push(c);
    binValues.push(values);
    nBins[f] = c.length + 1;
    const off = f * n;
    for (let i = 0; i < n; i++) codes[off + i] = binOf(col[i], c);
  }
  return { n, nFeatures, codes, cuts, binValues, nBins };
}
