import { z } from 'zod';
import { publishPreliminaryResult, resultPrefix } from '../../access/results.ts';
import { isSeriesId, SERIES } from '../../access/series.ts';
import { parseInput, type RunRef, runRefSchema, type StageResult, stageResultSchema } from '../contracts.ts';
import { ValidationError } from '../errors.ts';
import { preliminaryKey, readRun, writeRun } from '../runs.ts';
import { type PipelineDeps, runStage } from '../stage.ts';
import { putJson, stagingPrefix } from './staging.ts';

const publishInput = z.object({ run: runRefSchema, results: z.record(z.string(), z.unknown()) });

export interface PublishOutput {
  preliminary: string;
  outputs: Record<string, string[]>;
}

/** Stage results arrive one per state, or as an array from a Map (one per partition or source). */
function flatten(stage: string, value: unknown): StageResult[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((v, i) => parseInput(`PublishRun (${stage}[${i}])`, stageResultSchema, v));
}

/** The result id a run publishes under: the upload id of an upload-triggered run, else the run id. */
function resultFolder(run: RunRef): string {
  return run.resultId ?? run.runId;
}

/** Copies a staged location into the Series' result folder; returns the published key. */
async function promote(deps: PipelineDeps, run: RunRef, series: string, key: string): Promise<string> {
  const staging = stagingPrefix(run, series);
  if (!key.startsWith(staging)) return key; // not staged (e.g. a model version): already where it belongs
  const target = `${resultPrefix(run.administration, series, resultFolder(run))}${key.slice(staging.length).replaceAll('/', '_')}`;
  await deps.store.put(target, await deps.store.get(key), { contentType: 'application/json' });
  return target;
}

/**
 * Last state of a run, reached only when every stage succeeded: moves each Series' staged output into
 * results/<ADMIN>/<series>/<run-id>/, registers it as a preliminary result (the data owner approves it before anyone
 * else sees it), writes the run's preliminary manifest and marks the run publishable, pending approval.
 */
export async function publishRun(deps: PipelineDeps, input: unknown): Promise<PublishOutput> {
  const { run, results } = parseInput('PublishRun', publishInput, input);
  return runStage(deps, run, 'PublishRun', async () => {
    const record = await readRun(deps.store, run.administration, run.runId);
    if (!record) throw new ValidationError(`PublishRun: run ${run.runId} has no run record`);
    if (record.status !== 'RUNNING' || record.attempt !== run.attempt)
      throw new ValidationError(
        `PublishRun: run ${run.runId} is ${record.status} (attempt ${record.attempt}), not the running attempt ${run.attempt}`,
      );
    const outputs: Record<string, string[]> = {};
    const summaries: Record<string, unknown[]> = {};
    for (const [stage, value] of Object.entries(results)) {
      for (const r of flatten(stage, value)) {
        const list = outputs[r.series] ?? [];
        for (const key of r.locations) {
          const published = await promote(deps, run, r.series, key);
          // Per Series, the result folder (or the artefact itself when it is not a result, e.g. a model version).
          const location =
            published === key ? key : resultPrefix(run.administration, r.series, resultFolder(run));
          if (!list.includes(location)) list.push(location);
        }
        outputs[r.series] = list;
        summaries[r.series] = [
          ...(summaries[r.series] ?? []),
          r.skipped ? { skipped: r.skipped } : r.summary,
        ];
      }
    }
    const now = deps.now();
    for (const [series, keys] of Object.entries(outputs)) {
      if (!isSeriesId(series) || keys.length === 0) continue;
      const name = SERIES.find((s) => s.id === series)?.name ?? series;
      await publishPreliminaryResult(deps.store, {
        administration: run.administration,
        series,
        id: resultFolder(run),
        title: `${name}: ${run.kind} run of ${run.asOf}`,
        summary: JSON.stringify(summaries[series]),
        source: `pipeline run ${run.runId}`,
        now,
      });
    }
    const key = preliminaryKey(run.administration, run.runId);
    const approval = { status: 'pending' as const, requestedAt: now.toISOString() };
    await putJson(deps.store, key, {
      runId: run.runId,
      administration: run.administration,
      kind: run.kind,
      asOf: run.asOf,
      approval,
      outputs,
      summaries,
    });
    await writeRun(deps.store, {
      ...record,
      status: 'SUCCEEDED',
      endedAt: now.toISOString(),
      publishable: true,
      approval,
      outputs,
      failure: undefined,
    });
    deps.log?.(`PublishRun: ${run.administration} run ${run.runId} awaits approval (${key})`);
    return { preliminary: key, outputs };
  });
}
