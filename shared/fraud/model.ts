import type { Declaration } from '../declarations/canonical.ts';
import {
  DEFAULT_FEATURE_GROUPS,
  type FeatureGroup,
  type FeatureOptions,
  type FeatureProfile,
  FeatureSpace,
  GROUP_CANDIDATES,
} from './features.ts';
import { FlatForest } from './forest/flat-forest.ts';
import type { ForestOptions } from './forest/forest-options.ts';
import type { CompactForest, MlRandomForestJson } from './forest/ml-format.ts';
import { trainForest } from './forest/train-forest.ts';
import { prAuc, rocAuc } from './metrics.ts';

/** A trained fraud model: the forest (ml-random-forest format) and the feature profile it reads. */
export interface FraudModel {
  kind: 'bacuda-fraud-rf';
  version: 1;
  /** The forest: compact right after training, ml-random-forest JSON once stored (mlForestJsonText writes it). */
  forest: MlRandomForestJson | CompactForest;
  profile: FeatureProfile;
  forestOptions: Partial<ForestOptions>;
  trainedAt: string;
  /**
   * Rank bands: the P(fraud) a declaration needs to fall in the top k% of the training period, from
   * out-of-bag scores (each training row scored only by trees that did not see it).
   */
  bands: RankBandCutoff[];
  /** Mean decrease in Gini impurity per feature, normalised to sum 1. */
  importances: Record<string, number>;
  /** How the feature groups were chosen (null: given explicitly or too little data to choose). */
  groupSelection?: GroupSelection | null;
}

export interface RankBandCutoff {
  band: string;
  kPercent: number;
  minScore: number;
}

export const RANK_BAND_PERCENTS = [1, 2, 5, 10] as const;

/** Bands from out-of-bag scores: the score at the k% quantile from the top. */
export function rankBandCutoffs(scores: ArrayLike<number>): RankBandCutoff[] {
  const finite = Float64Array.from(Array.from(scores).filter((v) => !Number.isNaN(v)))
    .sort()
    .reverse();
  return RANK_BAND_PERCENTS.map((k) => {
    const i = Math.min(finite.length - 1, Math.max(0, Math.ceil((finite.length * k) / 100) - 1));
    return { band: `top-${k}%`, kPercent: k, minScore: finite.length ? finite[i] : 1 };
  });
}

/** The band of a score: the narrowest top-k% band whose cutoff it reaches, else 'rest'. */
export function rankBand(score: number, bands: readonly RankBandCutoff[]): string {
  for (const b of bands) if (score >= b.minScore && score > 0) return b.band;
  return 'rest';
}

export interface TrainFraudOptions {
  /** Feature options; without `groups`, the groups are chosen per training set (see selectFeatureGroups). */
  features?: Partial<FeatureOptions>;
  forest?: Partial<ForestOptions>;
  onProgress?: (message: string) => void;
}

export interface GroupSelection {
  chosen: readonly FeatureGroup[];
  /** Validation result of every candidate, in the order tried. */
  tried: { groups: readonly FeatureGroup[]; prAuc: number | null; rocAuc: number | null }[];
  validFrom: string;
}

/**
 * "Keep what helps", per training set: the latest 25% of the training dates validate each candidate
 * group set (GROUP_CANDIDATES, from value-only to full risk profiles, in order) with a smaller forest;
 * the best PR-AUC wins, and the search stops early once a larger set is clearly worse. Only training data is used. Returns null when the data is too small to judge (then the
 * fixed DEFAULT_FEATURE_GROUPS apply).
 */
export async function selectFeatureGroups(
  train: readonly Declaration[],
  options: TrainFraudOptions = {},
): Promise<GroupSelection | null> {
  const labelled = train.filter((d) => d.illicit !== null);
  if (labelled.length < 2000) return null;
  const dates = labelled.map((d) => d.date).sort();
  const cut = dates[Math.floor(dates.length * 0.75)];
  const fit = labelled.filter((d) => d.date < cut);
  const valid = labelled.filter((d) => d.date >= cut);
  const positives = (xs: Declaration[]) => xs.reduce((s, d) => s + (d.illicit as number), 0);
  if (valid.length < 500 || positives(valid) < 20 || positives(fit) < 20) return null;
  const tried: GroupSelection['tried'] = [];
  let best: GroupSelection['tried'][number] | undefined;
  for (const groups of GROUP_CANDIDATES) {
    const model = await fitFraudModel(fit, {
      features: { ...options.features, groups },
      forest: { ...options.forest, nEstimators: SELECTION_TREES },
    });
    const s = new FraudScorer(model).score(valid);
    const labels = valid.map((d) => d.illicit as number);
    const r = { groups, prAuc: prAuc(s.soft, labels), rocAuc: rocAuc(s.soft, labels) };
    tried.push(r);
    options.onProgress?.(
      `feature groups ${groups.join('+')}: validation PR-AUC ${r.prAuc?.toFixed(3)}, ROC-AUC ${r.rocAuc?.toFixed(3)}`,
    );
    if (!best || (r.prAuc ?? 0) > (best.prAuc ?? 0)) best = r;
    // Candidates grow by groups; once adding groups clearly hurts, larger sets will not recover.
    else if ((r.prAuc ?? 0) < (best.prAuc ?? 0) - SELECTION_STOP_MARGIN) break;
  }
  return { chosen: (best as GroupSelection['tried'][number]).groups, tried, validFrom: cut };
}

/** Trees per candidate while selecting feature groups: enough to rank candidates, cheap to grow. */
const SELECTION_TREES = 20;
/** PR-AUC drop below the best candidate so far that ends the search. */
const SELECTION_STOP_MARGIN = 0.05;

/**
 * Trains on labelled declarations (illicit 0/1; unlabelled rows only inform value medians). Without
 * explicit feature groups, selectFeatureGroups picks them on a time-ordered split of the training data.
 */
export async function trainFraudModel(
  train: readonly Declaration[],
  options: TrainFraudOptions = {},
): Promise<FraudModel> {
  if (options.features?.groups) return fitFraudModel(train, options);
  const selection = await selectFeatureGroups(train, options);
  const groups = selection?.chosen ?? DEFAULT_FEATURE_GROUPS;
  const model = await fitFraudModel(train, { ...options, features: { ...options.features, groups } });
  return { ...model, groupSelection: selection };
}

/** Trains with the given feature options as they are. */
export async function fitFraudModel(
  train: readonly Declaration[],
  options: TrainFraudOptions = {},
): Promise<FraudModel> {
  const labelled = train.filter((d) => d.illicit !== null);
  if (labelled.length === 0)
    throw new RangeError('the training data has no labelled declarations (illicit 0/1)');
  const positives = labelled.reduce((s, d) => s + (d.illicit as number), 0);
  if (positives === 0 || positives === labelled.length)
    throw new RangeError(
      `the training data needs both frauds and clean declarations (got ${positives} frauds in ${labelled.length})`,
    );
  const space = FeatureSpace.fit([...train], options.features);
  const x = space.transformTraining(labelled, options.features);
  const F = space.nFeatures;
  const columns = Array.from({ length: F }, (_, f) => {
    const col = new Float64Array(labelled.length);
    for (let i = 0; i < labelled.length; i++) col[i] = x[i * F + f];
    return col;
  });
  const y = Uint8Array.from(labelled, (d) => d.illicit as number);
  const forestOptions = { ...options.forest };
  const trained = await trainForest(columns, y, forestOptions, (done, total) => {
    if (done === total || done % 10 === 0) options.onProgress?.(`trees ${done}/${total}`);
  });
  // Mean decrease in impurity straight from the grown trees (gain × node size, as ml-random-forest's).
  const importance = new Float64Array(trained.nFeatures);
  for (const t of trained.trees)
    for (let i = 0; i < t.left.length; i++)
      if (t.left[i] >= 0) importance[t.feature[i]] += t.gain[i] * (t.n0[i] + t.n1[i]);
  const totalImportance = importance.reduce((a, b) => a + b, 0) || 1;
  return {
    kind: 'bacuda-fraud-rf',
    version: 1,
    forest: trained.forest,
    profile: space.profile,
    forestOptions,
    trainedAt: new Date().toISOString(),
    bands: rankBandCutoffs(trained.oobProbability),
    importances: Object.fromEntries(
      space.featureNames.map((name, f) => [name, (importance[f] ?? 0) / totalImportance]),
    ),
  };
}

export interface ScoredBatch {
  /** P(fraud) as ml-random-forest's predictProbability returns it (share of trees voting fraud). */
  probability: Float64Array;
  /** Mean leaf fraud share over trees: a finer-grained tie-breaker for equal vote shares. */
  soft: Float64Array;
  /** Predicted recovered revenue if fraudulent; null without revenue labels in training. */
  predictedRevenue: Float64Array | null;
  /** What selection ranks by: P(fraud) × predicted revenue where revenue is modelled, else P(fraud). */
  priority: Float64Array;
}

/** A loaded model, ready to score batches and explain single declarations. */
export class FraudScorer {
  readonly model: FraudModel;
  readonly space: FeatureSpace;
  readonly forest: FlatForest;

  constructor(model: FraudModel) {
    if (model?.kind !== 'bacuda-fraud-rf' || model.version !== 1)
      throw new RangeError('not a bacuda fraud model (v1)');
    this.model = model;
    this.space = FeatureSpace.fromProfile(model.profile);
    this.forest = new FlatForest(model.forest);
    if (this.forest.nFeatures > this.space.nFeatures)
      throw new RangeError('model and feature profile disagree on the number of features');
  }

  features(decls: readonly Declaration[]): Float64Array {
    return this.space.transform(decls);
  }

  score(decls: readonly Declaration[]): ScoredBatch {
    const x = this.space.transform(decls);
    const { probability, soft } = this.forest.predictBoth(x, decls.length, this.space.nFeatures);
    return this.scored(decls, probability, soft);
  }

  /** The batch result from the forest's predictions (score() and the worker-thread path in batch.ts). */
  scored(decls: readonly Declaration[], probability: Float64Array, soft: Float64Array): ScoredBatch {
    const n = decls.length;
    let predictedRevenue: Float64Array | null = null;
    const priority = new Float64Array(n);
    if (this.model.profile.revenueRatio) {
      predictedRevenue = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        predictedRevenue[i] = this.space.predictedRevenue(decls[i]) ?? 0;
        priority[i] = probability[i] * predictedRevenue[i];
      }
    } else priority.set(probability);
    return { probability, soft, predictedRevenue, priority };
  }
}
