import { z } from 'zod';
import { ObjectNotFoundError, type ObjectStore } from '../../ports/object-store.ts';
import {
  executionSchema,
  type Plan,
  type PriceSource,
  parseInput,
  priceSourceSchema,
  type RunRef,
  weeklyInputSchema,
} from '../contracts.ts';
import { ValidationError } from '../errors.ts';
import { readRun, writeRun } from '../runs.ts';
import type { PipelineDeps } from '../stage.ts';
import { runStage } from '../stage.ts';
import { isKnownAdministration } from './administrations.ts';
import { listPartitions } from './partitions.ts';

const prepareRunInput = z.object({ input: z.unknown(), execution: executionSchema });

export interface PrepareRunOutput {
  run: RunRef;
  plan: Plan;
}

export const sourcesConfigKey = (admin: string) => `config/${admin}/prices/sources.json`;
export const partitionListKey = (admin: string, runId: string) =>
  `results/${admin}/runs/${runId}/partitions.json`;

/** A model older than this is retrained at the next weekly run. */
const MODEL_MAX_AGE_DAYS = 28;

/**
 * First state of a weekly run: validates the request, opens (or, for a re-drive, reopens) the run record and plans
 * the run. The partition list goes to the store, where the Distributed Map's ItemReader reads it, so the state
 * payload stays small whatever the number of partitions.
 */
export async function prepareRun(deps: PipelineDeps, event: unknown): Promise<PrepareRunOutput> {
  const { input: raw, execution } = parseInput('PrepareRun', prepareRunInput, event);
  const input = parseInput('PrepareRun', weeklyInputSchema, raw);
  const admin = input.administration;
  if (!(await isKnownAdministration(deps.store, admin)))
    throw new ValidationError(
      `PrepareRun: unknown administration "${admin}": nothing uploaded, curated or configured for it`,
    );
  const runId = input.runId ?? execution.name;
  const previous = await readRun(deps.store, admin, runId);
  if (input.runId && !previous)
    throw new ValidationError(`PrepareRun: cannot re-drive run ${runId}: no such run for ${admin}`);
  if (previous?.status === 'SUCCEEDED')
    throw new ValidationError(`PrepareRun: run ${runId} already succeeded; start a new run instead`);
  if (previous?.status === 'RUNNING' && input.runId)
    throw new ValidationError(`PrepareRun: run ${runId} is still running`);
  const startedAt = new Date(execution.startTime).toISOString();
  const run: RunRef = {
    runId,
    administration: admin,
    kind: 'weekly',
    startedAt: previous?.startedAt ?? startedAt,
    asOf: input.asOf ?? previous?.asOf ?? startedAt.slice(0, 10),
    attempt: (previous?.attempt ?? 0) + 1,
  };
  await writeRun(deps.store, {
    ...run,
    status: 'RUNNING',
    publishable: false,
    outputs: {},
    trigger: input.runId ? `re-drive of ${runId}` : input.trigger,
    execution: execution.name,
  });
  return runStage(
    deps,
    run,
    'PrepareRun',
    async () => {
      const sources = await readSources(deps.store, admin);
      const partitions = await listPartitions(deps.store, 'declarations', admin);
      const key = partitionListKey(admin, runId);
      await deps.store.put(key, JSON.stringify(partitions), { contentType: 'application/json' });
      const fraud = await planFraud(deps, admin, input.forceRetrain ?? false);
      deps.log?.(
        `PrepareRun: ${admin}: ${sources.length} price source(s), ${partitions.length} declaration partition(s), fraud: ${fraud.action} (${fraud.reason})`,
      );
      return { run, plan: { sources, partitions: { key, count: partitions.length }, fraud } };
    },
    { reuse: false },
  );
}

async function readSources(store: ObjectStore, admin: string): Promise<PriceSource[]> {
  let text: string;
  try {
    text = await store.getText(sourcesConfigKey(admin));
  } catch (err) {
    if (err instanceof ObjectNotFoundError) return [];
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ValidationError(`${sourcesConfigKey(admin)} is not JSON: ${(err as Error).message}`);
  }
  const list = Array.isArray(json) ? json : (json as { sources?: unknown })?.sources;
  return parseInput(`price sources (${sourcesConfigKey(admin)})`, z.array(priceSourceSchema), list);
}

/** Retrain when there is no current model, when asked to, or when the current one is stale. */
async function planFraud(deps: PipelineDeps, admin: string, force: boolean): Promise<Plan['fraud']> {
  if (force) return { action: 'retrain', reason: 'retraining was requested' };
  // The fraud model store's pointer (shared/fraud/model-store.ts), written by promotion.
  const pointer = `models/${admin}/current`;
  if (!(await deps.store.exists(pointer))) return { action: 'retrain', reason: 'no current model' };
  let createdAt: string | undefined;
  try {
    const p = JSON.parse(await deps.store.getText(pointer)) as { createdAt?: string; promotedAt?: string };
    createdAt = p.promotedAt ?? p.createdAt;
  } catch {
    // A pointer without a date (plain text version id) is treated as current.
  }
  if (createdAt) {
    const ageDays = (deps.now().getTime() - Date.parse(createdAt)) / 86_400_000;
    if (ageDays > MODEL_MAX_AGE_DAYS)
      return { action: 'retrain', reason: `current model is ${Math.floor(ageDays)} days old` };
  }
  return { action: 'score', reason: 'current model is recent' };
}
