import { RandomForestClassifier } from 'ml-random-forest';
import { describe, expect, it } from 'vitest';
import { binFeatures, binOf, chooseCuts } from '../../../shared/fraud/forest/binning.ts';
import { FlatForest } from '../../../shared/fraud/forest/flat-forest.ts';
import {
  type MlCartNode,
  type MlRandomForestJson,
  mlForestJsonText,
} from '../../../shared/fraud/forest/ml-format.ts';
import { mulberry32 } from '../../../shared/fraud/forest/rng.ts';
import { trainForest } from '../../../shared/fraud/forest/train-forest.ts';
import { rocAuc } from '../../../shared/fraud/metrics.ts';

/** Small synthetic data: continuous features (distinct values), label driven by two of them plus noise. */
function makeData(n: number, nFeatures: number, seed: number, opts: { nan?: boolean } = {}) {
  const rand = mulberry32(seed);
  const rows: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = Array.from({ length: nFeatures }, () => Math.round(rand() * 1e9) / 1e6);
    if (opts.nan && rand() < 0.1) r[1] = Number.NaN;
    const z = r[0] / 1000 + (Number.isNaN(r[1]) ? 0.3 : r[1] / 2000) + 0.3 * rand();
    rows.push(r);
    y.push(z > 0.85 ? 1 : 0);
  }
  return { rows, y, columns: Array.from({ length: nFeatures }, (_, f) => rows.map((r) => r[f])) };
}

const mlCartSettings = { maxDepth: Number.POSITIVE_INFINITY, minNumSamples: 3, gainThreshold: 0.01 };

/** Rewrites an ml-random-forest tree in input-column numbers, keeping only what defines the model. */
function canonical(node: MlCartNode, indexes: number[]): unknown {
  if (node.distribution !== undefined)
    return { distribution: node.distribution[0].map((p) => Number(p.toFixed(9))) };
  return {
    column: indexes[node.splitColumn as number],
    value: node.splitValue,
    left: canonical(node.left as MlCartNode, indexes),
    right: canonical(node.right as MlCartNode, indexes),
  };
}

describe('binning', () => {
  it('uses midpoints between distinct values when few, so thresholds equal ml-cart candidates', () => {
    const cuts = chooseCuts([3, 1, 2, 2, 5]);
    expect(Array.from(cuts)).toEqual([1.5, 2.5, 4]);
    expect(binOf(1, cuts)).toBe(0);
    expect(binOf(2, cuts)).toBe(1);
    expect(binOf(5, cuts)).toBe(3);
  });
  it('caps at 256 bins with roughly equal counts and puts NaN in its own top bin', () => {
    const col = Array.from({ length: 10_000 }, (_, i) => (i % 7 === 0 ? Number.NaN : i * 1.5));
    const b = binFeatures([col]);
    expect(b.nBins[0]).toBeLessThanOrEqual(256);
    const counts = new Map<number, number>();
    for (const c of b.codes) counts.set(c, (counts.get(c) ?? 0) + 1);
    const nanBin = b.nBins[0] - 1;
    expect(counts.get(nanBin)).toBe(Math.ceil(10_000 / 7));
    const finite = [...counts].filter(([k]) => k !== nanBin).map(([, v]) => v);
    expect(Math.max(...finite)).toBeLessThan(3 * Math.min(...finite));
    expect(b.cuts[0][b.cuts[0].length - 1]).toBe(Number.MAX_VALUE);
  });
});

describe('trainForest against ml-random-forest', () => {
  it('grows the same tree as ml-cart (no bootstrap, all features)', async () => {
    const { rows, y, columns } = makeData(150, 4, 1);
    const ref = new RandomForestClassifier({
      nEstimators: 1,
      useSampleBagging: false,
      maxFeatures: 1.0,
      replacement: false,
      noOOB: true,
      treeOptions: mlCartSettings,
      seed: 7,
    });
    ref.train(rows, y);
    const refJson = JSON.parse(JSON.stringify(ref.toJSON())) as MlRandomForestJson;
    const ours = await trainForest(columns, y, {
      nEstimators: 1,
      bootstrap: false,
      maxFeatures: 4,
      ...mlCartSettings,
      mlCartCompat: true,
      workers: 0,
    });
    const identity = [0, 1, 2, 3];
    expect(canonical(ours.toMlJson().baseModel.estimators[0].root, identity)).toEqual(
      canonical(refJson.baseModel.estimators[0].root, refJson.baseModel.indexes[0]),
    );
  });

  it('loads into RandomForestClassifier and predicts the same as the fast flat predictor', async () => {
    const { columns, y } = makeData(600, 6, 2, { nan: true });
    const trained = await trainForest(columns, y, { nEstimators: 15, workers: 0, seed: 3 });
    const test = makeData(300, 6, 99, { nan: true });
    const json = JSON.parse(JSON.stringify(trained.toMlJson()));
    const ml = RandomForestClassifier.load(json);
    const expected = ml.predictProbability(test.rows, 1);
    const flat = new FlatForest(json);
    const got = flat.predictProbability(Float64Array.from(test.rows.flat()), test.rows.length);
    expect(Array.from(got)).toEqual(expected);
    expect(ml.predict(test.rows)).toEqual(
      Array.from(got, (p) => (p > 0.5 ? 1 : 0)).map((_, i) => ml.predict([test.rows[i]])[0]),
    );
  });

  it('ranks held-out data as well as ml-random-forest trained on the same data and settings', async () => {
    const train = makeData(400, 5, 4);
    const test = makeData(400, 5, 5);
    const settings = { maxDepth: 8, minNumSamples: 3, gainThreshold: 0.01 };
    const ref = new RandomForestClassifier({
      nEstimators: 10,
      maxFeatures: 1.0,
      replacement: false,
      noOOB: true,
      treeOptions: settings,
      seed: 11,
    });
    ref.train(train.rows, train.y);
    const ours = await trainForest(train.columns, train.y, {
      nEstimators: 10,
      maxFeatures: 1.0,
      ...settings,
      workers: 0,
    });
    const refP = ref.predictProbability(test.rows, 1);
    const ourP = RandomForestClassifier.load(JSON.parse(JSON.stringify(ours.toMlJson()))).predictProbability(
      test.rows,
      1,
    );
    const refAuc = rocAuc(refP, test.y) as number;
    const ourAuc = rocAuc(ourP, test.y) as number;
    expect(ourAuc).toBeGreaterThan(refAuc - 0.03);
    let agree = 0;
    for (let i = 0; i < refP.length; i++) if (refP[i] > 0.5 === ourP[i] > 0.5) agree++;
    expect(agree / refP.length).toBeGreaterThan(0.9);
  });

  it('gives the same forest whether trees are grown in worker threads or in-thread', async () => {
    const { columns, y } = makeData(500, 5, 6);
    const a = await trainForest(columns, y, { nEstimators: 6, workers: 2, seed: 9 });
    const b = await trainForest(columns, y, { nEstimators: 6, workers: 0, seed: 9 });
    expect(JSON.stringify(a.toMlJson())).toBe(JSON.stringify(b.toMlJson()));
    // The direct text writer gives exactly JSON.stringify of the objects.
    expect(mlForestJsonText(a.forest)).toBe(JSON.stringify(a.toMlJson()));
  });

  it('explains the soft vote exactly: base + contributions = mean leaf fraud share', async () => {
    const { columns, y, rows } = makeData(400, 5, 8);
    const trained = await trainForest(columns, y, { nEstimators: 8, workers: 0, minLeafSamples: 5 });
    const flat = new FlatForest(trained.forest);
    // Compact and JSON sources give the same flat forest.
    expect(
      Array.from(new FlatForest(trained.toMlJson()).predictSoft(Float64Array.from(rows.flat()), rows.length)),
    ).toEqual(Array.from(flat.predictSoft(Float64Array.from(rows.flat()), rows.length)));
    const x = Float64Array.from(rows.slice(0, 20).flat());
    const soft = flat.predictSoft(x, 20);
    for (let i = 0; i < 20; i++) {
      const { base, contributions } = flat.contributions(x, i * 5);
      expect(base + contributions.reduce((s, v) => s + v, 0)).toBeCloseTo(soft[i], 10);
    }
    const imp = flat.featureImportance();
    expect(imp.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 10);
    expect(imp[0]).toBeGreaterThan(imp[3]);
  });
});
