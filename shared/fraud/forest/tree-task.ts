import type { BinnedFeatures } from './binning.ts';
import { mulberry32, streamSeed } from './rng.ts';
import { buildTree, type CompactTree, type TreeOptions } from './tree-builder.ts';

/** Grows tree number `index` of a forest: its bootstrap and feature draws depend only on (seed, index). */
export function growForestTree(
  data: BinnedFeatures,
  y: Uint8Array,
  tree: TreeOptions,
  seed: number,
  bootstrap: boolean,
  index: number,
): CompactTree {
  const weights = new Uint32Array(data.n);
  if (bootstrap) {
    const rand = mulberry32(streamSeed(seed, 2 * index));
    for (let i = 0; i < data.n; i++) weights[Math.floor(rand() * data.n)]++;
  } else weights.fill(1);
  return buildTree(data, y, weights, tree, streamSeed(seed, 2 * index + 1));
}

export function treeBuffers(t: CompactTree): ArrayBuffer[] {
  return [t.feature, t.threshold, t.left, t.right, t.gain, t.n0, t.n1].map((a) => a.buffer as ArrayBuffer);
}
