import type { Declaration } from '../declarations/canonical.ts';
import { evaluateRanking, type FraudMetrics, rankOrder } from './metrics.ts';
import { type FraudModel, FraudScorer, type TrainFraudOptions, trainFraudModel } from './model.ts';

/** The JSON `bacuda fraud evaluate --json` prints (fractions in 0..1; null where undefined). */
export interface FraudEvaluation extends FraudMetrics {
  trainSeconds: number;
  trainRows: number;
  testRows: number;
  /** What the ranking used: expected recovered revenue where training had revenue labels, else P(fraud). */
  rankedBy: 'expectedRevenue' | 'probability';
  warnings: string[];
}

/** Ranks scored declarations: by priority, ties by the soft vote, then by input order. */
export function rankScored(priority: ArrayLike<number>, soft: ArrayLike<number>): Int32Array {
  return rankOrder(priority, soft);
}

/** Metrics of a trained model on labelled test declarations. */
export function evaluateModel(
  model: FraudModel,
  test: readonly Declaration[],
): Omit<FraudEvaluation, 'trainSeconds' | 'trainRows'> {
  const labelled = test.filter((d) => d.illicit !== null);
  if (labelled.length === 0)
    throw new RangeError('the test data has no labelled declarations (Fraud / illicit column)');
  const warnings: string[] = [];
  if (labelled.length < test.length)
    warnings.push(`${test.length - labelled.length} test rows without a label were left out`);
  const scorer = new FraudScorer(model);
  const s = scorer.score(labelled);
  const labels = labelled.map((d) => d.illicit as number);
  const hasRevenue = labelled.some((d) => d.revenue !== null);
  const revenue = hasRevenue ? labelled.map((d) => d.revenue ?? 0) : null;
  const ranking = rankScored(s.priority, s.soft);
  // AUCs judge P(fraud) itself: the vote share, ties broken by the soft vote (the ranking's own order).
  const byProbability = rankOrder(s.probability, s.soft);
  const auc = new Float64Array(labelled.length);
  byProbability.forEach((row, pos) => {
    auc[row] = labelled.length - pos;
  });
  const m = evaluateRanking(ranking, auc, labels, revenue);
  if (m.testPositives === 0)
    warnings.push('the test data has no frauds: recall, revenue and AUC are undefined (null)');
  return { ...m, rankedBy: s.predictedRevenue ? 'expectedRevenue' : 'probability', warnings };
}

/** Trains on `train`, evaluates on `test` (a later period), and times the training. */
export async function trainAndEvaluate(
  train: readonly Declaration[],
  test: readonly Declaration[],
  options: TrainFraudOptions = {},
): Promise<{ evaluation: FraudEvaluation; model: FraudModel }> {
  const t0 = performance.now();
  const model = await trainFraudModel(train, options);
  const trainSeconds = (performance.now() - t0) / 1000;
  const e = evaluateModel(model, test);
  return { evaluation: { ...e, trainSeconds, trainRows: model.profile.trainRows }, model };
}
