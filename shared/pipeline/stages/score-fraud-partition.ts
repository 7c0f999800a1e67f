import { z } from 'zod';
import { scoreInParallel } from '../../fraud/batch.ts';
import { rankOrder, selectionSize } from '../../fraud/metrics.ts';
import { FraudScorer } from '../../fraud/model.ts';
import { currentModelVersion, loadModel, ModelNotFoundError } from '../../fraud/model-store.ts';
import { parseInput, partitionSchema, type RunRef, runRefSchema, type StageResult } from '../contracts.ts';
import { ValidationError } from '../errors.ts';
import { readStage } from '../runs.ts';
import { type PipelineDeps, runStage } from '../stage.ts';
import { declarationsOfPartition } from './lake.ts';
import { putJson, stagingPrefix } from './staging.ts';
import { fraudModelKey } from './train-fraud-model.ts';

const input = z.object({ run: runRefSchema, partition: partitionSchema.nullable() });

/** Share of declarations in the selection list (the inspection budget), in percent. */
export const SELECTION_PERCENT = 5;

interface ModelRef {
  admin: string;
  version: string;
}

/**
 * Loaded scorers by administration/version: a Map over many partitions (and a warm Lambda) parses each forest once.
 * Model versions are immutable, so admin/version identifies the content. Bounded to the two most recent.
 */
const scorersByStore = new WeakMap<object, Map<string, Promise<FraudScorer>>>();
function scorerFor(deps: PipelineDeps, ref: ModelRef): Promise<FraudScorer> {
  let scorers = scorersByStore.get(deps.store);
  if (!scorers) {
    scorers = new Map();
    scorersByStore.set(deps.store, scorers);
  }
  const key = `${ref.admin}/${ref.version}`;
  let scorer = scorers.get(key);
  if (!scorer) {
    scorer = loadModel(deps.store, ref.admin, ref.version).then(
      (m) => new FraudScorer(m),
      (err) => {
        if (err instanceof ModelNotFoundError)
          throw new ValidationError(`fraud model ${key}: ${err.message}`);
        throw err;
      },
    );
    scorer.catch(() => scorers?.delete(key));
    scorers.set(key, scorer);
    while (scorers.size > 2) scorers.delete(scorers.keys().next().value as string);
  }
  return scorer;
}

/** The model this run scores with: the one it just trained, else the administration's current model. */
async function modelFor(deps: PipelineDeps, run: RunRef): Promise<ModelRef> {
  const admin = run.administration;
  const trained = await readStage(deps.store, run, 'TrainFraudModel');
  const version = ((trained?.output as StageResult | undefined)?.summary as { version?: unknown } | undefined)
    ?.version;
  if (trained?.status === 'SUCCEEDED' && typeof version === 'string') return { admin, version };
  const current = await currentModelVersion(deps.store, admin);
  if (!current) throw new ValidationError(`no fraud model for ${admin}: train one first`);
  return { admin, version: current };
}

/** Scores one partition of declarations and writes scores and the k% selection list to the run's staging folder. */
export async function scoreFraudPartition(deps: PipelineDeps, event: unknown): Promise<StageResult> {
  const { run, partition } = parseInput('ScoreFraudPartition', input, event);
  if (!partition)
    return { series: 'fraud', locations: [], summary: {}, skipped: 'the object is not in a partition' };
  const id = `${partition.year}-${String(partition.month).padStart(2, '0')}`;
  return runStage(deps, run, `ScoreFraudPartition-${id}`, async () => {
    const decls = await declarationsOfPartition(deps.query, partition);
    if (decls.length === 0)
      return {
        series: 'fraud',
        locations: [],
        summary: { partition: id, rows: 0 },
        skipped: 'empty partition',
      };
    const ref = await modelFor(deps, run);
    const scorer = await scorerFor(deps, ref);
    const modelLoc = fraudModelKey(ref.admin, ref.version);
    // Large partitions score across both cores; small ones stay on this thread (same numbers either way).
    const scored = await scoreInParallel(scorer, decls);
    const order = rankOrder(scored.priority, scored.soft);
    const k = selectionSize(decls.length, SELECTION_PERCENT);
    const rows = Array.from(order, (i, rank) => ({
      rank: rank + 1,
      declarationId: decls[i].declarationId,
      itemNumber: decls[i].itemNumber,
      date: decls[i].date,
      probability: scored.probability[i],
      priority: scored.priority[i],
    }));
    const prefix = `${stagingPrefix(run, 'fraud')}${id}/`;
    await putJson(deps.store, `${prefix}scores.json`, { model: modelLoc, partition, rows });
    await putJson(deps.store, `${prefix}selection.json`, {
      model: modelLoc,
      partition,
      percent: SELECTION_PERCENT,
      rows: rows.slice(0, k),
    });
    deps.log?.(`ScoreFraudPartition: ${run.administration} ${id}: ${decls.length} scored, ${k} selected`);
    return {
      series: 'fraud',
      locations: [`${prefix}scores.json`, `${prefix}selection.json`],
      summary: { partition: id, rows: decls.length, selected: k, model: modelLoc },
    };
  });
}
