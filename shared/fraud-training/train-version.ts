import type { Declaration } from '../declarations/canonical.ts';
import { evaluateModel } from '../fraud/evaluate.ts';
import type { PriceObservation } from '../fraud/features.ts';
import { type FraudModel, type TrainFraudOptions, trainFraudModel } from '../fraud/model.ts';
import type { saveModel, TrainingDataRef } from '../fraud/model-store.ts';

/**
 * Training a fraud model version as the model store keeps it (metrics.json + manifest.json next to the model):
 * shared by `bacuda fraud train` and the pipeline's TrainFraudModel, so both store the same artefacts.
 */

/** Time-ordered holdout: the latest 20% of dates, when both parts have frauds and clean declarations. */
export function timeHoldout(
  decls: readonly Declaration[],
): { fit: Declaration[]; holdout: Declaration[]; cut: string } | null {
  const labelled = decls.filter((d) => d.illicit !== null);
  if (labelled.length < 50) return null;
  const dates = labelled.map((d) => d.date).sort();
  const cut = dates[Math.floor(dates.length * 0.8)];
  const fit = labelled.filter((d) => d.date < cut);
  const holdout = labelled.filter((d) => d.date >= cut);
  const both = (xs: Declaration[]) => xs.some((d) => d.illicit === 1) && xs.some((d) => d.illicit === 0);
  return both(fit) && both(holdout) ? { fit, holdout, cut } : null;
}

export type StoredVersionExtra = Parameters<typeof saveModel>[4];

/**
 * Checks the model on a time-ordered holdout (a fit on the earlier 80% of dates), then trains on all
 * declarations. Returns the model and the metrics and manifest `saveModel` stores with it.
 * Throws RangeError on unusable data (no labels, one class only), as trainFraudModel does.
 */
export async function trainModelVersion(
  decls: readonly Declaration[],
  trainingData: TrainingDataRef[],
  options: {
    forest?: TrainFraudOptions['forest'];
    log?: (message: string) => void;
    /** Market prices from the web-scraping Series: they enable the declared/market price ratio feature. */
    prices?: PriceObservation[];
  } = {},
): Promise<{
  model: FraudModel;
  extra: StoredVersionExtra;
  holdout: Record<string, unknown>;
  trainSeconds: number;
}> {
  const log = options.log ?? (() => {});
  const features = options.prices?.length ? { prices: options.prices } : undefined;
  let holdout: Record<string, unknown> = { note: 'too little labelled data for a time-ordered holdout' };
  const split = timeHoldout(decls);
  if (split) {
    log(
      `holdout check: training on ${split.fit.length} rows before ${split.cut}, testing on ${split.holdout.length}`,
    );
    const m = await trainFraudModel(split.fit, { forest: options.forest, features, onProgress: log });
    holdout = { holdoutFrom: split.cut, fitRows: split.fit.length, ...evaluateModel(m, split.holdout) };
  }
  log(`training on all ${decls.length} declarations`);
  const t0 = performance.now();
  const model = await trainFraudModel(decls, { forest: options.forest, features, onProgress: log });
  const trainSeconds = (performance.now() - t0) / 1000;
  const extra: StoredVersionExtra = {
    metrics: { holdout, trainSeconds },
    manifest: {
      trainingData,
      trainRows: model.profile.trainRows,
      featureNames: model.profile.featureNames,
      featureGroups: model.profile.groups,
      forestOptions: { ...model.forestOptions },
    },
  };
  return { model, extra, holdout, trainSeconds };
}
