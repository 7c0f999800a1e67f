import type { CompactForest, MlCartNode, MlRandomForestJson } from './ml-format.ts';

/**
 * A random forest in ml-random-forest's JSON format, flattened into typed arrays for fast batch
 * prediction and per-declaration explanations. ml-random-forest's own predictor walks Matrix views
 * row by row (about 15k rows/s for 100 trees here); this walks plain arrays and returns exactly the
 * same numbers as its predictProbability (checked in test/unit/fraud/forest.test.ts).
 */
export class FlatForest {
  readonly nTrees: number;
  readonly nFeatures: number;
  readonly roots: Int32Array;
  /** Input column tested at each node (already mapped through ml-random-forest's indexes). */
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  /** Child node numbers; -1 at leaves. */
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Fraud share of the training samples reaching the node (leaf distribution, or weighted mean of children). */
  readonly value: Float64Array;
  /** Leaf vote: ml-cart's argmax of the distribution (first maximum wins). */
  readonly vote: Uint8Array;
  readonly gain: Float64Array;
  readonly samples: Float64Array;
  /**
   * Hot-loop layout: per node [feature (-1 at leaves), right child]. Nodes are numbered depth-first,
   * so the left child is always node + 1 and one step reads two adjacent ints and one threshold.
   */
  readonly packed: Int32Array;

  constructor(source: MlRandomForestJson | CompactForest) {
    let roots: unknown[];
    let access: NodeAccess<unknown>;
    let indexes: (number[] | undefined)[];
    let declaredFeatures: number;
    if ('format' in source) {
      // Straight from the trainer's arrays: no ml-cart objects are built.
      roots = source.trees.map((t) => ({ t, i: 0 }));
      access = compactAccess as NodeAccess<unknown>;
      indexes = [];
      declaredFeatures = source.nFeatures;
    } else {
      if (source?.name !== 'RFClassifier' || !source.baseModel?.estimators)
        throw new RangeError('not an ml-random-forest RFClassifier model');
      roots = source.baseModel.estimators.map((e) => e.root);
      access = jsonAccess as NodeAccess<unknown>;
      indexes = source.baseModel.indexes ?? [];
      declaredFeatures = Math.max(
        source.baseModel.n ?? 0,
        ...indexes.map((ix) => Math.max(-1, ...(ix ?? [])) + 1),
      );
    }
    let count = 0;
    const countNodes = (n: unknown): void => {
      count++;
      if (!access.isLeaf(n)) {
        countNodes(access.left(n));
        countNodes(access.right(n));
      }
    };
    for (const r of roots) countNodes(r);
    this.nTrees = roots.length;
    this.roots = new Int32Array(roots.length);
    this.feature = new Int32Array(count).fill(-1);
    this.threshold = new Float64Array(count);
    this.left = new Int32Array(count).fill(-1);
    this.right = new Int32Array(count).fill(-1);
    this.value = new Float64Array(count);
    this.vote = new Uint8Array(count);
    this.gain = new Float64Array(count);
    this.samples = new Float64Array(count);
    let next = 0;
    let maxFeature = -1;
    const visit = (n: unknown, ix: number[] | undefined): number => {
      const id = next++;
      if (access.isLeaf(n)) {
        const row = access.distribution(n);
        let arg = 0;
        for (let c = 1; c < row.length; c++) if (row[c] > row[arg]) arg = c;
        this.vote[id] = arg;
        this.value[id] = row[1] ?? 0;
        this.samples[id] = access.samples(n) ?? 1;
        return id;
      }
      const col = access.column(n);
      const f = ix ? ix[col] : col;
      if (f > maxFeature) maxFeature = f;
      this.feature[id] = f;
      this.threshold[id] = access.threshold(n);
      this.gain[id] = access.gain(n);
      const l = visit(access.left(n), ix);
      const r = visit(access.right(n), ix);
      this.left[id] = l;
      this.right[id] = r;
      const sl = this.samples[l];
      const sr = this.samples[r];
      this.samples[id] = access.samples(n) ?? sl + sr;
      this.value[id] = (sl * this.value[l] + sr * this.value[r]) / (sl + sr);
      return id;
    };
    roots.forEach((r, i) => {
      this.roots[i] = visit(r, indexes[i]);
    });
    this.packed = new Int32Array(2 * count);
    for (let i = 0; i < count; i++) {
      if (this.left[i] >= 0 && this.left[i] !== i + 1)
        throw new Error('internal: nodes are not in depth-first order');
      this.packed[2 * i] = this.left[i] >= 0 ? this.feature[i] : -1;
      this.packed[2 * i + 1] = this.right[i];
    }
    this.nFeatures = Math.max(declaredFeatures, maxFeature + 1);
  }

  /**
   * P(fraud) exactly as ml-random-forest's `predictProbability(X, 1)` computes it: the share of trees
   * voting fraud, rounded to 6 decimals. (Its reduce has no initial value, so the first tree's vote
   * enters as the raw label 0/1 in millionths rather than 1/nTrees; we reproduce that so both predictors
   * agree to the last digit.) X is row-major, nRows × stride.
   */
  predictProbability(x: ArrayLike<number>, nRows: number, stride = this.nFeatures): Float64Array {
    return this.predictBoth(x, nRows, stride).probability;
  }

  /** Mean over trees of the leaf fraud share (soft vote); used to break ties between equal vote shares. */
  predictSoft(x: ArrayLike<number>, nRows: number, stride = this.nFeatures): Float64Array {
    return this.predictBoth(x, nRows, stride).soft;
  }

  /**
   * Both predictions in one pass. Rows are processed in blocks, tree by tree, so one tree's nodes stay
   * in cache while a block of rows walks it (row by row, every tree would be fetched from memory again).
   */
  predictBoth(
    x: ArrayLike<number>,
    nRows: number,
    stride = this.nFeatures,
  ): { probability: Float64Array; soft: Float64Array } {
    return predictPacked(this, x, nRows, stride);
  }

  /**
   * Saabas-style explanation of the soft vote for one row: along each tree's path, the change in
   * fraud share at every split is credited to the split's feature. base + sum(contributions) equals
   * predictSoft for the row.
   */
  contributions(x: ArrayLike<number>, off = 0): { base: number; contributions: Float64Array } {
    const contrib = new Float64Array(this.nFeatures);
    const base = this.contributionsInto(x, off, contrib);
    return { base, contributions: contrib };
  }

  /**
   * contributions() into a caller's buffer (at least nFeatures long; overwritten), so scoring a request
   * allocates nothing per row. Walks the packed layout; same additions in the same order as before, so the
   * numbers are the same to the last bit. Returns the base.
   */
  contributionsInto(x: ArrayLike<number>, off: number, contrib: Float64Array): number {
    return this.explainInto(x, off, contrib, undefined);
  }

  /**
   * contributionsInto, and with `votes` (length >= 2) also the row's vote count in the same walk:
   * votes[0] = the first tree's leaf vote, votes[1] = fraud votes of the other trees, which
   * probabilityFromVotes turns into exactly predictBoth's probability. One walk per tree serves both
   * the score and the explanation of a POST /v1/fraud/score row.
   */
  explainInto(
    x: ArrayLike<number>,
    off: number,
    contrib: Float64Array,
    votes: Float64Array | undefined,
  ): number {
    const { packed, threshold, value, vote, roots, nTrees } = this;
    const F = this.nFeatures;
    contrib.fill(0, 0, F);
    let base = 0;
    let first = 0;
    let fraudVotes = 0;
    for (let t = 0; t < nTrees; t++) {
      let node = roots[t];
      let v = value[node];
      base += v;
      let f = packed[2 * node];
      while (f >= 0) {
        node = x[off + f] < threshold[node] ? node + 1 : packed[2 * node + 1];
        const next = value[node];
        contrib[f] += next - v;
        v = next;
        f = packed[2 * node];
      }
      if (t === 0) first = vote[node];
      else if (vote[node] === 1) fraudVotes++;
    }
    for (let k = 0; k < F; k++) contrib[k] /= nTrees;
    if (votes) {
      votes[0] = first;
      votes[1] = fraudVotes;
    }
    return base / nTrees;
  }

  /** Mean decrease in impurity per feature (as ml-random-forest's featureImportance), normalised to sum 1. */
  featureImportance(): Float64Array {
    const imp = new Float64Array(this.nFeatures);
    for (let i = 0; i < this.feature.length; i++) {
      // ml-cart's gain is the Gini decrease per sample of the node; times the node size it is the split's
      // total impurity decrease.
      if (this.left[i] >= 0) imp[this.feature[i]] += this.gain[i] * this.samples[i];
    }
    let s = 0;
    for (const v of imp) s += v;
    if (s > 0) for (let f = 0; f < imp.length; f++) imp[f] /= s;
    return imp;
  }
}

interface NodeAccess<N> {
  isLeaf(n: N): boolean;
  distribution(n: N): number[];
  samples(n: N): number | undefined;
  column(n: N): number;
  threshold(n: N): number;
  gain(n: N): number;
  left(n: N): N;
  right(n: N): N;
}

const jsonAccess: NodeAccess<MlCartNode> = {
  isLeaf: (n) => n.distribution !== undefined,
  distribution: (n) => (n.distribution as number[][])[0],
  samples: (n) => n.numberSamples,
  column: (n) => n.splitColumn as number,
  threshold: (n) => n.splitValue as number,
  gain: (n) => n.gain ?? 0,
  left: (n) => n.left as MlCartNode,
  right: (n) => n.right as MlCartNode,
};

type CompactRef = { t: CompactForest['trees'][number]; i: number };
const compactAccess: NodeAccess<CompactRef> = {
  isLeaf: ({ t, i }) => t.left[i] < 0,
  // Same numbers ml-format writes for the leaf, so both sources give identical predictions.
  distribution: ({ t, i }) => {
    const total = t.n0[i] + t.n1[i];
    return t.n1[i] > 0 ? [t.n0[i] / total, t.n1[i] / total] : [t.n0[i] / total];
  },
  samples: ({ t, i }) => t.n0[i] + t.n1[i],
  column: ({ t, i }) => t.feature[i],
  threshold: ({ t, i }) => t.threshold[i],
  gain: ({ t, i }) => t.gain[i],
  left: ({ t, i }) => ({ t, i: t.left[i] }),
  right: ({ t, i }) => ({ t, i: t.right[i] }),
};

/** What prediction reads: the packed nodes (plain typed arrays, so they can be sent to worker threads). */
export interface PackedForest {
  nTrees: number;
  roots: Int32Array;
  packed: Int32Array;
  threshold: Float64Array;
  value: Float64Array;
  vote: Uint8Array;
}

/**
 * FlatForest.predictBoth on the packed arrays alone (also what the scoring workers run). Each row's
 * numbers depend only on that row, so scoring rows in chunks or in several threads gives the same bits.
 */
export function predictPacked(
  forest: PackedForest,
  x: ArrayLike<number>,
  nRows: number,
  stride: number,
): { probability: Float64Array; soft: Float64Array } {
  const { packed, threshold, value, vote, roots, nTrees } = forest;
  const soft = new Float64Array(nRows);
  const first = new Uint8Array(nRows);
  const fraudVotes = new Uint16Array(nRows);
  const BLOCK = 512;
  for (let b0 = 0; b0 < nRows; b0 += BLOCK) {
    const b1 = Math.min(nRows, b0 + BLOCK);
    for (let t = 0; t < nTrees; t++) {
      const root = roots[t];
      for (let i = b0; i < b1; i++) {
        const off = i * stride;
        let node = root;
        let f = packed[2 * node];
        while (f >= 0) {
          node = x[off + f] < threshold[node] ? node + 1 : packed[2 * node + 1];
          f = packed[2 * node];
        }
        soft[i] += value[node];
        if (t === 0) first[i] = vote[node];
        else if (vote[node] === 1) fraudVotes[i]++;
      }
    }
  }
  const probability = new Float64Array(nRows);
  for (let i = 0; i < nRows; i++) {
    probability[i] = probabilityFromVotes(first[i], fraudVotes[i], nTrees);
    soft[i] /= nTrees;
  }
  return { probability, soft };
}

/** P(fraud) from the first tree's vote and the other trees' fraud votes, as ml-random-forest computes it. */
export function probabilityFromVotes(first: number, fraudVotes: number, nTrees: number): number {
  const step = 1e6 / nTrees;
  // Same additions in the same order as ml-random-forest's reduce, so the floats match exactly.
  let p = first;
  for (let k = fraudVotes; k > 0; k--) p += step;
  return Math.round(p) / 1e6;
}
