import type { CompactTree, TreeOptions } from './tree-builder.ts';

/**
 * ml-random-forest's JSON model format (v2.1, RandomForestClassifier#toJSON / .load), written by our
 * trainer so that `RandomForestClassifier.load(json).predictProbability(X, 1)` serves the model.
 *
 * Shape, read from node_modules/ml-random-forest/src/RandomForestBase.js and ml-cart/src/TreeNode.js:
 * - forest: { name: 'RFClassifier', baseModel: { indexes, n, replacement, maxFeatures, nEstimators,
 *   treeOptions, isClassifier, seed, estimators, useSampleBagging } }; indexes[t] maps tree t's
 *   column numbers to input columns (we sample features per node, so every tree sees all columns).
 * - tree: { name: 'DTClassifier', options: {...ml-cart options, kind: 'classifier'}, root }.
 * - node: internal { splitColumn, splitValue, gain, numberSamples, left, right } (x < splitValue goes
 *   left); leaf { distribution: [[p0]] or [[p0, p1]] } — ml-cart sizes the row by the largest class
 *   present, and load() treats any node with `distribution` as a leaf. Leaves also carry
 *   numberSamples (ignored by ml-cart) so per-node fraud shares can be rebuilt for explanations.
 */
export interface MlCartNode {
  splitColumn?: number;
  splitValue?: number;
  gain?: number;
  numberSamples?: number;
  left?: MlCartNode;
  right?: MlCartNode;
  distribution?: number[][];
}

export interface MlCartTreeJson {
  name: 'DTClassifier';
  options: Record<string, unknown>;
  root: MlCartNode;
}

export interface MlRandomForestJson {
  name: 'RFClassifier';
  baseModel: {
    indexes: number[][];
    n: number;
    replacement: boolean;
    maxFeatures: number;
    nEstimators: number;
    treeOptions: Record<string, unknown>;
    isClassifier: true;
    seed: number;
    estimators: MlCartTreeJson[];
    useSampleBagging: boolean;
  };
}

function cartOptions(o: TreeOptions): Record<string, unknown> {
  return {
    gainFunction: 'gini',
    splitFunction: 'mean',
    minNumSamples: o.minNumSamples,
    // JSON has no Infinity; ml-cart only reads maxDepth while training.
    maxDepth: Number.isFinite(o.maxDepth) ? o.maxDepth : null,
    gainThreshold: o.gainThreshold,
    kind: 'classifier',
  };
}

function nodeJson(t: CompactTree, i: number): MlCartNode {
  const total = t.n0[i] + t.n1[i];
  if (t.left[i] < 0) {
    const p0 = t.n0[i] / total;
    const p1 = t.n1[i] / total;
    return { distribution: [t.n1[i] > 0 ? [p0, p1] : [p0]], numberSamples: total };
  }
  return {
    splitColumn: t.feature[i],
    splitValue: t.threshold[i],
    gain: t.gain[i],
    numberSamples: total,
    left: nodeJson(t, t.left[i]),
    right: nodeJson(t, t.right[i]),
  };
}

export function treeToMlCartJson(tree: CompactTree, options: TreeOptions): MlCartTreeJson {
  return { name: 'DTClassifier', options: cartOptions(options), root: nodeJson(tree, 0) };
}

export function forestToMlJson(
  trees: CompactTree[],
  nFeatures: number,
  options: { tree: TreeOptions; seed: number; bootstrap: boolean },
): MlRandomForestJson {
  const all = Array.from({ length: nFeatures }, (_, i) => i);
  return {
    name: 'RFClassifier',
    baseModel: {
      indexes: trees.map(() => all),
      n: nFeatures,
      replacement: false,
      maxFeatures: nFeatures,
      nEstimators: trees.length,
      treeOptions: { ...cartOptions(options.tree), maxFeaturesPerNode: options.tree.maxFeatures },
      isClassifier: true,
      seed: options.seed,
      estimators: trees.map((t) => treeToMlCartJson(t, options.tree)),
      useSampleBagging: options.bootstrap,
    },
  };
}

/**
 * A forest straight from the trainer, before conversion: building ml-random-forest's nested objects for
 * a million nodes costs seconds, so evaluation scores from this and only stored models are written out
 * in the ml-random-forest format (mlForestJsonText).
 */
export interface CompactForest {
  format: 'compact';
  trees: CompactTree[];
  nFeatures: number;
  tree: TreeOptions;
  seed: number;
  bootstrap: boolean;
}

function nodeText(t: CompactTree, i: number, out: string[]): void {
  const total = t.n0[i] + t.n1[i];
  if (t.left[i] < 0) {
    const p0 = t.n0[i] / total;
    out.push(
      t.n1[i] > 0
        ? `{"distribution":[[${p0},${t.n1[i] / total}]],"numberSamples":${total}}`
        : `{"distribution":[[${p0}]],"numberSamples":${total}}`,
    );
    return;
  }
  out.push(
    `{"splitColumn":${t.feature[i]},"splitValue":${JSON.stringify(t.threshold[i])},"gain":${t.gain[i]},"numberSamples":${total},"left":`,
  );
  nodeText(t, t.left[i], out);
  out.push(',"right":');
  nodeText(t, t.right[i], out);
  out.push('}');
}

/**
 * The forest as ml-random-forest JSON text, written directly (same text as
 * JSON.stringify(forestToMlJson(...))) without building the intermediate objects.
 */
export function mlForestJsonText(forest: CompactForest | MlRandomForestJson): string {
  if (!('format' in forest)) return JSON.stringify(forest);
  const { trees, nFeatures } = forest;
  const skeleton = forestToMlJson([], nFeatures, forest);
  const all = JSON.stringify(Array.from({ length: nFeatures }, (_, i) => i));
  const base = skeleton.baseModel;
  const cart = JSON.stringify(cartOptions(forest.tree));
  const out: string[] = [
    `{"name":"RFClassifier","baseModel":{"indexes":[${trees.map(() => all).join(',')}],"n":${base.n},"replacement":${base.replacement},"maxFeatures":${base.maxFeatures},"nEstimators":${trees.length},"treeOptions":${JSON.stringify(base.treeOptions)},"isClassifier":true,"seed":${base.seed},"estimators":[`,
  ];
  trees.forEach((t, k) => {
    out.push(`${k ? ',' : ''}{"name":"DTClassifier","options":${cart},"root":`);
    nodeText(t, 0, out);
    out.push('}');
  });
  out.push(`],"useSampleBagging":${base.useSampleBagging}}}`);
  return out.join('');
}

export function compactToMlJson(forest: CompactForest): MlRandomForestJson {
  return forestToMlJson(forest.trees, forest.nFeatures, forest);
}
