import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LocalRunOptions, runPipelineLocally } from '../../../local/pipeline-runner.ts';
import { DuckDbQueryEngine } from '../../../shared/adapters/duckdb-query-engine.ts';
import { FsObjectStore } from '../../../shared/adapters/fs-object-store.ts';
import { localLakeTables } from '../../../shared/ingest/datasets.ts';
import { TransientError, ValidationError } from '../../../shared/pipeline/errors.ts';
import { alarmKey, preliminaryKey, readRun } from '../../../shared/pipeline/runs.ts';
import type { PipelineDeps } from '../../../shared/pipeline/stage.ts';

/**
 * Failure handling through the real definition and runner, on a store where XAA is known (it has an upload
 * manifest) but has no curated data yet, so each run takes well under a second.
 */
let root: string;
let deps: PipelineDeps;
let query: DuckDbQueryEngine;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'bacuda-pipeline-faults-'));
  const store = new FsObjectStore(root);
  await store.put('manifests/XAA/declarations/u1.json', '{}');
  query = new DuckDbQueryEngine(localLakeTables(root));
  deps = { store, query, now: () => new Date() };
});

afterEach(async () => {
  await query.close();
  await rm(root, { recursive: true, force: true });
});

function run(input: unknown, extra: Partial<LocalRunOptions> = {}) {
  return runPipelineLocally({ deps, input, retryIntervalMs: 1, ...extra });
}

describe('pipeline failure handling (local runner, same definition as the cloud)', () => {
  it('retries a stage that throws a transient error, then succeeds', async () => {
    let calls = 0;
    const result = await run(
      { administration: 'XAA' },
      {
        wrap: (fn, handler) =>
          fn === 'ForecastRevenue'
            ? async (input) => {
                calls++;
                if (calls < 3) throw new TransientError('Athena is throttling');
                return handler(input);
              }
            : handler,
      },
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(calls).toBe(3);
    const retries = result.events.filter((e) => e.type === 'StateRetried');
    expect(retries.map((e) => e.type === 'StateRetried' && e.state.name)).toEqual([
      'ForecastRevenue',
      'ForecastRevenue',
    ]);
    const record = await readRun(deps.store, 'XAA', result.runId);
    expect(record).toMatchObject({ status: 'SUCCEEDED', publishable: true, approval: { status: 'pending' } });
    expect(await deps.store.exists(preliminaryKey('XAA', result.runId))).toBe(true);
  });

  it('catches a validation error without retrying: FAILED, failure report, alarm, nothing published', async () => {
    let calls = 0;
    const result = await run(
      { administration: 'XAA' },
      {
        wrap: (fn, handler) =>
          fn === 'ForecastRevenue'
            ? async () => {
                calls++;
                throw new ValidationError('revenue series has negative months');
              }
            : handler,
      },
    );
    expect(result.status).toBe('FAILED');
    expect(calls).toBe(1);
    expect(result.events.some((e) => e.type === 'StateRetried')).toBe(false);
    expect(result.error).toEqual({ Error: 'ValidationError', Cause: 'revenue series has negative months' });
    expect(result.states).toEqual(
      expect.arrayContaining(['CollectPricesAndForecastFailed', 'RecordFailure', 'RaiseAlarm', 'RunFailed']),
    );
    expect(result.states).not.toContain('PublishRun');

    const report = await readRun(deps.store, 'XAA', result.runId);
    expect(report).toMatchObject({
      status: 'FAILED',
      publishable: false,
      outputs: {},
      failure: {
        stage: 'CollectPricesAndForecast',
        error: 'ValidationError',
        cause: 'revenue series has negative months',
      },
    });
    expect(report?.approval).toBeUndefined();
    expect(await deps.store.exists(`results/XAA/runs/${result.runId}.json`)).toBe(true);
    expect(await deps.store.exists(preliminaryKey('XAA', result.runId))).toBe(false);
    for (const series of ['prices', 'forecast', 'fraud', 'mirror', 'gap'])
      expect(await deps.store.list(`results/XAA/${series}/`)).toEqual([]);
    const alarm = JSON.parse(await deps.store.getText(alarmKey('XAA', result.runId)));
    expect(alarm.subject).toMatch(/XAA.*CollectPricesAndForecast.*ValidationError/);
  });

  it('re-drives a failed run: finished stages are reused, the failed one runs again, the run succeeds', async () => {
    const calls: Record<string, number> = {};
    let broken = true;
    const wrap: LocalRunOptions['wrap'] = (fn, handler) => async (input) => {
      calls[fn] = (calls[fn] ?? 0) + 1;
      if (fn === 'TrainFraudModel' && broken) throw new Error('disk full');
      return handler(input);
    };
    const first = await run({ administration: 'XAA' }, { wrap });
    expect(first.status).toBe('FAILED');
    expect(first.error?.Error).toBe('Error');
    broken = false;
    const second = await run({ administration: 'XAA', runId: first.runId }, { wrap });
    expect(second.status).toBe('SUCCEEDED');
    expect(second.runId).toBe(first.runId);
    const record = await readRun(deps.store, 'XAA', first.runId);
    expect(record).toMatchObject({ status: 'SUCCEEDED', attempt: 2, publishable: true });
    const forecastStage = JSON.parse(
      await deps.store.getText(`results/XAA/runs/${first.runId}/stages/ForecastRevenue.json`),
    );
    expect(forecastStage).toMatchObject({ status: 'SUCCEEDED', attempt: 1 });
    const trainStage = JSON.parse(
      await deps.store.getText(`results/XAA/runs/${first.runId}/stages/TrainFraudModel.json`),
    );
    expect(trainStage).toMatchObject({ status: 'SUCCEEDED', attempt: 2 });
    // A run that succeeded cannot be re-driven.
    const third = await run({ administration: 'XAA', runId: first.runId });
    expect(third.status).toBe('FAILED');
    expect(third.error?.Cause).toMatch(/already succeeded/);
    expect(await readRun(deps.store, 'XAA', first.runId)).toMatchObject({ status: 'SUCCEEDED' });
  });
});
