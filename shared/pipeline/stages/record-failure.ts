import { z } from 'zod';
import { resultPrefix } from '../../access/results.ts';
import { SERIES_IDS } from '../../access/series.ts';
import { isAdministrationCode } from '../../identity/principal.ts';
import { executionSchema, parseInput } from '../contracts.ts';
import { preliminaryKey, readRun, runKey, stagePrefix, writeRun } from '../runs.ts';
import type { PipelineDeps } from '../stage.ts';
import { isKnownAdministration } from './administrations.ts';
import { decodeEventKey } from './prepare-upload.ts';

const recordFailureInput = z.object({
  state: z.looseObject({
    failedStage: z.string(),
    failure: z.object({ Error: z.string(), Cause: z.unknown() }),
  }),
  execution: executionSchema,
});

export interface FailureReport {
  /** Where the report was written; null when the input named no valid administration. */
  reportKey: string | null;
  administration: string | null;
  runId: string;
  stage: string;
  error: string;
  cause: string;
  alarm: { subject: string; message: string };
}

/** Lambda errors reach Step Functions as a JSON Cause ({errorType, errorMessage, trace}); keep the message. */
function causeMessage(cause: unknown): string {
  if (typeof cause !== 'string') return JSON.stringify(cause ?? '');
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') return parsed.errorMessage;
  } catch {
    // Not JSON: already the message.
  }
  return cause;
}

/** Which administration and run the failed state was about, from whatever the state held when it failed. */
function identify(
  state: Record<string, unknown>,
  executionName: string,
): { admin: string | null; runId: string } {
  const run = state.run as { administration?: unknown; runId?: unknown } | undefined;
  let admin: unknown = run?.administration ?? state.administration;
  const detail = state.detail as { object?: { key?: unknown } } | undefined;
  if (admin === undefined && typeof detail?.object?.key === 'string') {
    admin = /^curated\/[^/]+\/administration=([^/]+)\//.exec(decodeEventKey(detail.object.key))?.[1];
  }
  const runId =
    typeof run?.runId === 'string'
      ? run.runId
      : typeof state.runId === 'string'
        ? state.runId
        : executionName;
  return { admin: typeof admin === 'string' && isAdministrationCode(admin) ? admin : null, runId };
}

/**
 * Reached from the Catch of any stage: writes the failure report into the run record, which is never publishable,
 * withdraws any preliminary manifest of the run, and composes the alarm the next state publishes (SNS in the cloud).
 */
export async function recordFailure(deps: PipelineDeps, input: unknown): Promise<FailureReport> {
  const { state, execution } = parseInput('RecordFailure', recordFailureInput, input);
  const identified = identify(state, execution.name);
  const { runId } = identified;
  // A request naming an administration the platform does not know gets no results folder of its own.
  const admin =
    identified.admin && (await isKnownAdministration(deps.store, identified.admin)) ? identified.admin : null;
  const stage = state.failedStage;
  const error = state.failure.Error;
  const cause = causeMessage(state.failure.Cause);
  const at = deps.now().toISOString();
  let reportKey: string | null = null;
  const previous = admin ? await readRun(deps.store, admin, runId) : undefined;
  // A request refused before it opened the run (e.g. re-driving a run that already succeeded or is still running)
  // must not overwrite that run's record: only the execution that opened a record may fail it.
  const ownsRecord = !previous || previous.execution === undefined || previous.execution === execution.name;
  if (admin && ownsRecord) {
    const stageKeys = await deps.store.list(stagePrefix(admin, runId));
    reportKey = runKey(admin, runId);
    await writeRun(deps.store, {
      runId,
      administration: admin,
      kind: previous?.kind ?? (state.detail ? 'upload' : 'weekly'),
      startedAt: previous?.startedAt ?? new Date(execution.startTime).toISOString(),
      asOf: previous?.asOf ?? at.slice(0, 10),
      attempt: previous?.attempt ?? 1,
      trigger: previous?.trigger ?? 'unknown',
      status: 'FAILED',
      endedAt: at,
      publishable: false,
      outputs: {},
      failure: { stage, error, cause, at },
    });
    // A publish that got part of the way and then failed must not leave anything awaiting approval.
    await deps.store.delete(preliminaryKey(admin, runId)).catch(() => undefined);
    for (const series of SERIES_IDS)
      for (const key of await deps.store.list(resultPrefix(admin, series, runId)))
        await deps.store.delete(key);
    deps.log?.(
      `RecordFailure: ${admin} run ${runId} FAILED at ${stage}: ${error}: ${cause} (${stageKeys.length} stage records)`,
    );
  } else {
    deps.log?.(
      `RecordFailure: run ${runId} FAILED at ${stage} (no known administration to file it under): ${error}: ${cause}`,
    );
  }
  const subject = `BACUDA pipeline ${admin ?? '?'} run failed at ${stage}: ${error}`.slice(0, 100);
  const report = { administration: admin, runId, stage, error, cause, at, report: reportKey };
  return {
    reportKey,
    administration: admin,
    runId,
    stage,
    error,
    cause,
    alarm: { subject, message: JSON.stringify(report) },
  };
}
