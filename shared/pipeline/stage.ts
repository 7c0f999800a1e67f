import type { ObjectStore } from '../ports/object-store.ts';
import type { QueryEngine } from '../ports/query-engine.ts';
import type { RunRef } from './contracts.ts';
import { classifyError } from './errors.ts';
import { readStage, writeStage } from './runs.ts';

/** What every pipeline stage may use: S3 + Athena in Lambda, the store folder + DuckDB locally. */
export interface PipelineDeps {
  store: ObjectStore;
  query: QueryEngine;
  now: () => Date;
  /** Progress lines (CloudWatch in Lambda, stderr locally). */
  log?: (line: string) => void;
}

/**
 * Runs one stage of a run with its bookkeeping: a stage record (the run timeline) before and after, and the
 * checkpoint that makes a run re-drivable: a stage that already SUCCEEDED under this run id returns its recorded
 * output instead of redoing the work. Errors are classified (TransientError / ValidationError / other) so the
 * definition's Retry fields can tell them apart, and recorded before they are rethrown.
 */
export async function runStage<T>(
  deps: PipelineDeps,
  run: RunRef,
  stage: string,
  work: () => Promise<T>,
  options: { reuse?: boolean } = {},
): Promise<T> {
  const previous = await readStage(deps.store, run, stage);
  if (previous?.status === 'SUCCEEDED' && options.reuse !== false) {
    deps.log?.(
      `${stage}: already done in attempt ${previous.attempt} of run ${run.runId}, reusing its output`,
    );
    return previous.output as T;
  }
  const startedAt = deps.now().toISOString();
  const invocations = previous && previous.attempt === run.attempt ? previous.invocations + 1 : 1;
  await writeStage(deps.store, run, {
    stage,
    status: 'RUNNING',
    startedAt,
    attempt: run.attempt,
    invocations,
  });
  try {
    const output = await work();
    await writeStage(deps.store, run, {
      stage,
      status: 'SUCCEEDED',
      startedAt,
      endedAt: deps.now().toISOString(),
      attempt: run.attempt,
      invocations,
      output,
    });
    return output;
  } catch (err) {
    const classified = classifyError(err);
    await writeStage(deps.store, run, {
      stage,
      status: 'FAILED',
      startedAt,
      endedAt: deps.now().toISOString(),
      attempt: run.attempt,
      invocations,
      error: { name: classified.name, message: classified.message },
    }).catch(() => undefined);
    throw classified;
  }
}
