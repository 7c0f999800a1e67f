import type { BinnedFeatures } from './binning.ts';
import { mulberry32, streamSeed } from './rng.ts';
import { buildTree, type CompactTree, type TreeOptions } from './tree-builder.ts';

export interface GrownTree {
  tree: CompactTree;
  /**
   * Out-of-bag vote per training row: -1 when the row was in this tree's bootstrap sample, else the
   * tree's vote (0/1). Gives honest scores for training rows (rank bands, sanity metrics).
   */
  oob: Int8Array;
}

/** Grows tree number `index` of a forest: its bootstrap and feature draws depend only on (seed, index). */
export function growForestTree(
  data: BinnedFeatures,
  y: Uint8Array,
  tree: TreeOptions,
  seed: number,
  bootstrap: boolean,
  index: number,
): GrownTree {
  const weights = new Uint32Array(data.n);
  if (bootstrap) {
    const rand = mulberry32(streamSeed(seed, 2 * index));
    for (let i = 0; i < data.n; i++) weights[Math.floor(rand() * data.n)]++;
  } else weights.fill(1);
  const t = buildTree(data, y, weights, tree, streamSeed(seed, 2 * index + 1));
  const oob = new Int8Array(data.n).fill(-1);
  const { codes, n } = data;
  for (let r = 0; r < n; r++) {
    if (weights[r] > 0) continue;
    let node = 0;
    while (t.left[node] >= 0)
      node = codes[t.feature[node] * n + r] < t.cutBin[node] ? t.left[node] : t.right[node];
    // ml-cart's leaf vote: fraud only when strictly more fraud than clean weight.
    oob[r] = t.n1[node] > t.n0[node] ? 1 : 0;
  }
  return { tree: t, oob };
}

export function treeBuffers(g: GrownTree): ArrayBuffer[] {
  const t = g.tree;
  return [t.feature, t.threshold, t.cutBin, t.left, t.right, t.gain, t.n0, t.n1, g.oob].map(
    (a) => a.buffer as ArrayBuffer,
  );
}
