import { z } from 'zod';
import { trainFraudModel } from '../../fraud/model.ts';
import { parseInput, runRefSchema, type StageResult } from '../contracts.ts';
import { ValidationError } from '../errors.ts';
import { type PipelineDeps, runStage } from '../stage.ts';
import { currentModelKey, currentPointerKey, modelKey } from './fraud-model-store.ts';
import { labelledDeclarations } from './lake.ts';
import { putJson } from './staging.ts';

const input = z.object({ run: runRefSchema, prices: z.unknown().optional() });

/** Most recent labelled declarations a weekly retrain reads (bounded memory and Lambda time). */
export const MAX_TRAINING_ROWS = 200_000;

/** Retrains the fraud model on the administration's labelled declarations from the lake. */
export async function trainFraudModelStage(deps: PipelineDeps, event: unknown): Promise<StageResult> {
  const { run } = parseInput('TrainFraudModel', input, event);
  return runStage(deps, run, 'TrainFraudModel', async () => {
    const train = await labelledDeclarations(deps.query, run.administration, MAX_TRAINING_ROWS);
    if (train.length === 0)
      return {
        series: 'model',
        locations: [],
        summary: { rows: 0 },
        skipped: 'no labelled declarations (illicit 0/1) to train on',
      };
    let model: Awaited<ReturnType<typeof trainFraudModel>>;
    try {
      model = await trainFraudModel(train, { onProgress: (m) => deps.log?.(`TrainFraudModel: ${m}`) });
    } catch (err) {
      // The trainer rejects unusable data (no labels, one class only) with RangeError: bad data, not worth retrying.
      if (err instanceof RangeError) throw new ValidationError(`TrainFraudModel: ${err.message}`);
      throw err;
    }
    const version = `${run.asOf.replaceAll('-', '')}-${run.runId}`.slice(0, 100);
    const key = modelKey(run.administration, version);
    // Compact: a forest is megabytes of JSON, and indentation would double it.
    await deps.store.put(key, JSON.stringify(model), { contentType: 'application/json' });
    const promoted = (await currentModelKey(deps.store, run.administration)) === null;
    if (promoted)
      await putJson(deps.store, currentPointerKey(run.administration), {
        version,
        createdAt: deps.now().toISOString(),
        promotedBy: 'pipeline (first model)',
      });
    deps.log?.(`TrainFraudModel: ${run.administration}: trained on ${train.length} rows → ${key}`);
    return {
      series: 'model',
      locations: [key],
      summary: { rows: train.length, version, promoted },
    };
  });
}
