import { ObjectNotFoundError, type ObjectStore } from '../ports/object-store.ts';
import type { RunRef } from './contracts.ts';

/**
 * Run history in the object store, the same in S3 and in the local folder:
 *   results/<ADMIN>/runs/<run-id>.json                 the run record (status, outputs, failure report)
 *   results/<ADMIN>/runs/<run-id>/stages/<stage>.json  one record per stage execution (timeline, checkpoint)
 *   results/<ADMIN>/preliminary/<run-id>.json          written only when the whole run succeeded: results
 *                                                      awaiting the administration's approval
 */
export type RunStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED';

export interface RunRecord {
  runId: string;
  administration: string;
  kind: 'weekly' | 'upload';
  status: RunStatus;
  startedAt: string;
  endedAt?: string;
  asOf: string;
  attempt: number;
  /** Only a run whose every stage succeeded is publishable; a failed or running one never is. */
  publishable: boolean;
  approval?: { status: 'pending' | 'approved' | 'rejected'; requestedAt: string };
  /** Result locations per Series (object-store keys or prefixes). */
  outputs: Record<string, string[]>;
  failure?: { stage: string; error: string; cause: string; at: string };
  /** What started it: the schedule, on demand, or the uploaded object key. */
  trigger: string;
  /** The execution that last opened the record (Step Functions execution name). */
  execution?: string;
}

export interface StageRecord {
  stage: string;
  status: RunStatus;
  startedAt: string;
  endedAt?: string;
  attempt: number;
  /** Retries of this stage within one execution (Step Functions re-invokes the handler). */
  invocations: number;
  output?: unknown;
  error?: { name: string; message: string };
}

export const runKey = (admin: string, runId: string) => `results/${admin}/runs/${runId}.json`;
export const stagePrefix = (admin: string, runId: string) => `results/${admin}/runs/${runId}/stages/`;
export const stageKey = (admin: string, runId: string, stage: string) =>
  `${stagePrefix(admin, runId)}${stage.replace(/[^A-Za-z0-9._=-]/g, '_')}.json`;
export const preliminaryKey = (admin: string, runId: string) => `results/${admin}/preliminary/${runId}.json`;
export const alarmKey = (admin: string, runId: string) => `alarms/${admin}/${runId}.json`;

async function readJson<T>(store: ObjectStore, key: string): Promise<T | undefined> {
  try {
    return JSON.parse(await store.getText(key)) as T;
  } catch (err) {
    if (err instanceof ObjectNotFoundError) return undefined;
    throw err;
  }
}

export function readRun(store: ObjectStore, admin: string, runId: string): Promise<RunRecord | undefined> {
  return readJson<RunRecord>(store, runKey(admin, runId));
}

export async function writeRun(store: ObjectStore, record: RunRecord): Promise<void> {
  await store.put(runKey(record.administration, record.runId), JSON.stringify(record, null, 2), {
    contentType: 'application/json',
  });
}

export function readStage(store: ObjectStore, run: RunRef, stage: string): Promise<StageRecord | undefined> {
  return readJson<StageRecord>(store, stageKey(run.administration, run.runId, stage));
}

export async function writeStage(store: ObjectStore, run: RunRef, record: StageRecord): Promise<void> {
  await store.put(stageKey(run.administration, run.runId, record.stage), JSON.stringify(record, null, 2), {
    contentType: 'application/json',
  });
}

export interface RunWithStages extends RunRecord {
  stages: StageRecord[];
}

/** The run ids of an administration, newest first (run ids start with a sortable timestamp where we mint them). */
async function runRecordKeys(store: ObjectStore, admin: string): Promise<string[]> {
  const prefix = `results/${admin}/runs/`;
  const keys = await store.list(prefix);
  return keys.filter((k) => k.endsWith('.json') && !k.slice(prefix.length).includes('/'));
}

/** Administrations that have any run history. */
export async function administrationsWithRuns(store: ObjectStore): Promise<string[]> {
  const keys = await store.list('results/');
  const admins = new Set<string>();
  for (const k of keys) {
    const m = /^results\/([^/]+)\/runs\/[^/]+\.json$/.exec(k);
    if (m) admins.add(m[1]);
  }
  return [...admins].sort();
}

/** Runs (with their stage timeline), newest first. */
export async function listRuns(
  store: ObjectStore,
  admins: string[],
  options: { limit?: number; status?: RunStatus } = {},
): Promise<RunWithStages[]> {
  const runs: RunRecord[] = [];
  for (const admin of admins) {
    for (const key of await runRecordKeys(store, admin)) {
      const run = await readJson<RunRecord>(store, key);
      if (run && (!options.status || run.status === options.status)) runs.push(run);
    }
  }
  runs.sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0));
  const page = runs.slice(0, options.limit ?? 50);
  return Promise.all(
    page.map(async (run) => {
      const stageKeys = (await store.list(stagePrefix(run.administration, run.runId))).filter((k) =>
        k.endsWith('.json'),
      );
      const stages = (await Promise.all(stageKeys.map((k) => readJson<StageRecord>(store, k)))).filter(
        (s): s is StageRecord => s !== undefined,
      );
      stages.sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : 0));
      return { ...run, stages };
    }),
  );
}
