import { z } from 'zod';
import type { PriceObservation } from '../../fraud/features.ts';
import { currentModelVersion, listModelVersions, promoteModel, saveModel } from '../../fraud/model-store.ts';
import { trainModelVersion } from '../../fraud-training/train-version.ts';
import { runNamedQuery } from '../../queries/index.ts';
import { parseInput, type RunRef, runRefSchema, type StageResult } from '../contracts.ts';
import { ValidationError } from '../errors.ts';
import { type PipelineDeps, runStage } from '../stage.ts';
import { labelledDeclarations } from './lake.ts';

const input = z.object({ run: runRefSchema, prices: z.unknown().optional() });

/** Most recent labelled declarations a weekly retrain reads (bounded memory and Lambda time). */
export const MAX_TRAINING_ROWS = 200_000;

/** The version a run trains: its date and run id, within the model store's 64 characters. */
export const pipelineModelVersion = (run: RunRef) =>
  `${run.asOf.replaceAll('-', '')}-${run.runId}`.slice(0, 64);

/** The key of a version's model in the fraud model store (models/<ADMIN>/<version>/model.json). */
export const fraudModelKey = (admin: string, version: string) => `models/${admin}/${version}/model.json`;

/**
 * Retrains the fraud model on the administration's labelled declarations from the lake and stores it as a new
 * version in the fraud Series' model store (model, profile, metrics, manifest), as `bacuda fraud train` does.
 * It promotes the version only when the administration has no current model: promotion is otherwise explicit.
 */
export async function trainFraudModelStage(deps: PipelineDeps, event: unknown): Promise<StageResult> {
  const { run } = parseInput('TrainFraudModel', input, event);
  return runStage(deps, run, 'TrainFraudModel', async () => {
    const admin = run.administration;
    const version = pipelineModelVersion(run);
    const key = fraudModelKey(admin, version);
    const train = await labelledDeclarations(deps.query, admin, MAX_TRAINING_ROWS);
    if (train.length === 0)
      return {
        series: 'model',
        locations: [],
        summary: { rows: 0 },
        skipped: 'no labelled declarations (illicit 0/1) to train on',
      };
    // A re-drive of a run whose earlier attempt stored its version keeps that version (versions are immutable).
    if (!(await listModelVersions(deps.store, admin)).includes(version)) {
      const log = (m: string) => deps.log?.(`TrainFraudModel: ${m}`);
      try {
        const { model, extra } = await trainModelVersion(
          train,
          [
            {
              id: `lake:declarations/${admin}`,
              source: `curated declarations of ${admin}: the latest ${MAX_TRAINING_ROWS} labelled (run ${run.runId})`,
              rows: train.length,
            },
          ],
          { log, prices: await marketPrices(deps, admin) },
        );
        await saveModel(deps.store, admin, version, model, extra);
      } catch (err) {
        // The trainer rejects unusable data (no labels, one class only) with RangeError: bad data, not worth retrying.
        if (err instanceof RangeError) throw new ValidationError(`TrainFraudModel: ${err.message}`);
        throw err;
      }
    }
    const promoted = (await currentModelVersion(deps.store, admin)) === null;
    if (promoted) await promoteModel(deps.store, admin, version, 'pipeline (first model)');
    deps.log?.(`TrainFraudModel: ${admin}: trained on ${train.length} rows → ${key}`);
    return {
      series: 'model',
      locations: [key],
      summary: { rows: train.length, version, promoted },
    };
  });
}

/**
 * Crawled market prices (the lake's `prices` dataset, converted to the national currency) as the fraud model's
 * declared/market price ratio input. Observations are per item.
 */
async function marketPrices(deps: PipelineDeps, admin: string): Promise<PriceObservation[]> {
  const rows = await runNamedQuery(deps.query, 'prices.observations', admin);
  return rows
    .filter((r) => typeof r.hsCode === 'string' && Number(r.convertedPrice) > 0)
    .map((r) => ({ hsCode: String(r.hsCode), unit: 'item' as const, unitPrice: Number(r.convertedPrice) }));
}
