import { type BinnedFeatures, midpoint } from './binning.ts';
import { mulberry32 } from './rng.ts';

/** Options of one CART tree, named after ml-cart's where they mean the same thing. */
export interface TreeOptions {
  /** Nodes deeper than this become leaves (root depth 0), as in ml-cart. */
  maxDepth: number;
  /** A node with at most this many (weighted) samples becomes a leaf, as in ml-cart. */
  minNumSamples: number;
  /** Each child must keep at least this many (weighted) samples (scikit-learn's min_samples_leaf). */
  minLeafSamples: number;
  /** A split must improve Gini by more than this, as in ml-cart. */
  gainThreshold: number;
  /**
   * Features examined per node (random subset, as scikit-learn's max_features). When none of them
   * yields a valid split, more are drawn until one does or all were tried, as scikit-learn does.
   */
  maxFeatures: number;
  /** Reproduce ml-cart's extra stopping rule: a child whose best gain equals its parent's is a leaf. */
  mlCartCompat?: boolean;
}

/** A trained tree as parallel arrays; node 0 is the root; left[i] < 0 marks a leaf. */
export interface CompactTree {
  feature: Int32Array;
  /** Split value: x < threshold goes left. */
  threshold: Float64Array;
  /** The same split on the training bins: bin < cutBin goes left. */
  cutBin: Int32Array;
  left: Int32Array;
  right: Int32Array;
  gain: Float64Array;
  /** Weighted class counts reaching each node (n0 clean, n1 fraud). */
  n0: Float64Array;
  n1: Float64Array;
}

class Growable {
  feature: number[] = [];
  threshold: number[] = [];
  cutBin: number[] = [];
  left: number[] = [];
  right: number[] = [];
  gain: number[] = [];
  n0: number[] = [];
  n1: number[] = [];
  add(n0: number, n1: number): number {
    this.feature.push(-1);
    this.threshold.push(0);
    this.cutBin.push(0);
    this.left.push(-1);
    this.right.push(-1);
    this.gain.push(0);
    this.n0.push(n0);
    this.n1.push(n1);
    return this.n0.length - 1;
  }
  finish(): CompactTree {
    return {
      feature: Int32Array.from(this.feature),
      threshold: Float64Array.from(this.threshold),
      cutBin: Int32Array.from(this.cutBin),
      left: Int32Array.from(this.left),
      right: Int32Array.from(this.right),
      gain: Float64Array.from(this.gain),
      n0: Float64Array.from(this.n0),
      n1: Float64Array.from(this.n1),
    };
  }
}

/**
 * Grows one Gini CART tree on pre-binned features.
 * @param weights per-row sample weight (bootstrap counts); rows with weight 0 are left out.
 * @param seed drives the per-node feature sampling.
 */
export function buildTree(
  data: BinnedFeatures,
  y: Uint8Array,
  weights: Uint32Array,
  options: TreeOptions,
  seed: number,
): CompactTree {
  const { n, nFeatures, codes, nBins, cuts, binValues } = data;
  const rand = mulberry32(seed);
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (weights[i] > 0) m++;
    // The small-node path packs a weight into 22 bits.
    if (weights[i] >= 1 << 22) throw new RangeError('sample weights must be below 4194304');
  }
  const idx = new Uint32Array(m);
  let t0 = 0;
  let t1 = 0;
  for (let i = 0, k = 0; i < n; i++) {
    const w = weights[i];
    if (w > 0) {
      idx[k++] = i;
      if (y[i]) t1 += w;
      else t0 += w;
    }
  }
  const out = new Growable();
  const hist = new Float64Array(512);
  const scratch = new Uint32Array(m);
  const order = new Int32Array(nFeatures);
  const maxFeatures = Math.max(1, Math.min(nFeatures, options.maxFeatures));
  const minLeaf = Math.max(options.minLeafSamples, 0);

  // Explicit stack (start, end, depth, node, parentGain) instead of recursion: trees can be deep.
  const stack: number[] = [0, m, 0, out.add(t0, t1), Number.NaN];
  while (stack.length) {
    const parentGain = stack.pop() as number;
    const node = stack.pop() as number;
    const depth = stack.pop() as number;
    const end = stack.pop() as number;
    const start = stack.pop() as number;
    const c0 = out.n0[node];
    const c1 = out.n1[node];
    const total = c0 + c1;
    if (total <= options.minNumSamples || depth >= options.maxDepth || c0 === 0 || c1 === 0) continue;
    if (total < 2 * minLeaf) continue;

    const parentScore = (c0 * c0 + c1 * c1) / total;
    let bestScore = -1;
    let bestFeature = -1;
    let bestCut = -1;
    let bestL0 = 0;
    let bestL1 = 0;
    // Highest non-empty bin left of the best cut and lowest non-empty bin right of it, in this node.
    let bestLeftBin = -1;
    let bestRightBin = -1;
    for (let f = 0; f < nFeatures; f++) order[f] = f;
    // ml-cart compatibility (all features examined) keeps ml-cart's feature order for tie-breaking.
    const shuffle = maxFeatures < nFeatures;
    for (let k = 0; k < nFeatures; k++) {
      // Keep drawing features beyond maxFeatures only while nothing splits the node usefully.
      if (k >= maxFeatures && bestFeature >= 0 && (bestScore - parentScore) / total > options.gainThreshold)
        break;
      if (shuffle) {
        const j = k + Math.floor(rand() * (nFeatures - k));
        const tmp = order[k];
        order[k] = order[j];
        order[j] = tmp;
      }
      const f = order[k];
      const nb = nBins[f];
      if (nb < 2) continue;
      const off = f * n;
      const size = end - start;
      if (size * 8 < nb) {
        // Small node: sorting its few (bin, weight, label) keys is cheaper than a 256-bin histogram.
        const keys = scratch.subarray(0, size);
        for (let i = 0; i < size; i++) {
          const r = idx[start + i];
          keys[i] = (codes[off + r] << 23) | (weights[r] << 1) | y[r];
        }
        keys.sort();
        let l0 = 0;
        let l1 = 0;
        let i = 0;
        while (i < size) {
          const bin = keys[i] >>> 23;
          while (i < size && keys[i] >>> 23 === bin) {
            const w = (keys[i] >>> 1) & 0x3fffff;
            if (keys[i] & 1) l1 += w;
            else l0 += w;
            i++;
          }
          if (bestRightBin < 0 && bestFeature === f) bestRightBin = bin;
          if (i >= size) break;
          const lw = l0 + l1;
          if (lw < minLeaf) continue;
          const rw = total - lw;
          if (rw < minLeaf) break;
          const r0 = c0 - l0;
          const r1 = c1 - l1;
          const score = (l0 * l0 + l1 * l1) / lw + (r0 * r0 + r1 * r1) / rw;
          if (score > bestScore) {
            bestScore = score;
            bestFeature = f;
            bestCut = bin + 1;
            bestL0 = l0;
            bestL1 = l1;
            bestLeftBin = bin;
            bestRightBin = -1;
          }
        }
        continue;
      }
      let lo = nb;
      let hi = -1;
      for (let i = start; i < end; i++) {
        const r = idx[i];
        const b = codes[off + r];
        hist[2 * b + y[r]] += weights[r];
        if (b < lo) lo = b;
        if (b > hi) hi = b;
      }
      let l0 = 0;
      let l1 = 0;
      // Only the bins this node occupies, [lo, hi], need scanning (and clearing afterwards).
      for (let b = lo; b < hi; b++) {
        const h0 = hist[2 * b];
        const h1 = hist[2 * b + 1];
        if (bestRightBin < 0 && bestFeature === f && h0 + h1 > 0) bestRightBin = b;
        l0 += h0;
        l1 += h1;
        const lw = l0 + l1;
        if (lw === 0 || lw < minLeaf) continue;
        const rw = total - lw;
        if (rw === 0 || rw < minLeaf) break;
        const r0 = c0 - l0;
        const r1 = c1 - l1;
        const score = (l0 * l0 + l1 * l1) / lw + (r0 * r0 + r1 * r1) / rw;
        if (score > bestScore) {
          bestScore = score;
          bestFeature = f;
          bestCut = b + 1;
          bestL0 = l0;
          bestL1 = l1;
          bestLeftBin = b;
          bestRightBin = -1;
        }
      }
      if (bestFeature === f && bestRightBin < 0) bestRightBin = hi;
      hist.fill(0, 2 * lo, 2 * hi + 2);
    }
    if (bestFeature < 0) continue;
    const gain = (bestScore - parentScore) / total;
    if (!(gain > options.gainThreshold)) continue;
    if (options.mlCartCompat && gain === parentGain) continue;

    // Partition idx[start, end) in place: rows with bin < bestCut first.
    const off = bestFeature * n;
    let i = start;
    let j = end - 1;
    while (i <= j) {
      if (codes[off + idx[i]] < bestCut) i++;
      else {
        const tmp = idx[i];
        idx[i] = idx[j];
        idx[j] = tmp;
        j--;
      }
    }
    out.feature[node] = bestFeature;
    out.cutBin[node] = bestCut;
    // Node-local midpoint, as ml-cart and scikit-learn place thresholds between neighbouring values.
    const fc = cuts[bestFeature];
    const vals = binValues[bestFeature];
    let threshold: number;
    if (fc[bestRightBin - 1] === Number.MAX_VALUE) threshold = Number.MAX_VALUE;
    else if (vals) threshold = midpoint(vals[bestLeftBin], vals[bestRightBin]);
    else threshold = midpoint(fc[bestLeftBin], fc[bestRightBin - 1]);
    out.threshold[node] = threshold;
    out.gain[node] = gain;
    const leftNode = out.add(bestL0, bestL1);
    const rightNode = out.add(c0 - bestL0, c1 - bestL1);
    out.left[node] = leftNode;
    out.right[node] = rightNode;
    stack.push(i, end, depth + 1, rightNode, gain);
    stack.push(start, i, depth + 1, leftNode, gain);
  }
  return out.finish();
}
