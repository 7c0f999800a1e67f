import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LocalRunOptions, runPipelineLocally } from '../../../local/pipeline-runner.ts';
import { DuckDbQueryEngine } from '../../../shared/adapters/duckdb-query-engine.ts';
import { FsObjectStore } from '../../../shared/adapters/fs-object-store.ts';
import { localLakeTables } from '../../../shared/ingest/datasets.ts';
import type { PipelineDeps } from '../../../shared/pipeline/stage.ts';

/**
 * Input validation and the upload chain through the real definition and runner, on a store where XAA is known (it has an upload
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

describe('pipeline input validation', () => {
  it('rejects an unknown administration with a clear error and files nothing under it', async () => {
    const result = await run({ administration: 'XZZ' });
    expect(result.status).toBe('FAILED');
    expect(result.error?.Error).toBe('ValidationError');
    expect(result.error?.Cause).toMatch(/unknown administration "XZZ"/);
    expect(await deps.store.list('results/XZZ/')).toEqual([]);
  });

  it.each([
    [{ administration: 'XAA', schedule: 'weekly' }, /Unrecognized key.*schedule/i],
    [{ administration: 'xaa' }, /administration: must be an administration code/],
    [{ administration: 'XAA', trigger: 'cron' }, /trigger/],
    [{ administration: 'XAA', asOf: '2024-13-45' }, /asOf/],
    [{}, /administration/],
  ])('rejects malformed schedule input %j', async (input, message) => {
    const result = await run(input);
    expect(result.status).toBe('FAILED');
    expect(result.error?.Error).toBe('ValidationError');
    expect(result.error?.Cause).toMatch(message);
    expect(result.states).toEqual([
      'Route',
      'PrepareRun',
      'PrepareRunFailed',
      'RecordFailure',
      'RaiseAlarm',
      'RunFailed',
    ]);
  });
});

describe('upload chain', () => {
  const event = (key: string) => ({
    version: '0',
    'detail-type': 'Object Created',
    source: 'aws.s3',
    time: '2026-11-24T10:00:00Z',
    detail: { bucket: { name: 'bacuda-curated' }, object: { key, size: 10 } },
  });

  it('routes trade uploads to the mirror/gap refresh and other datasets to nothing', async () => {
    const trade = await run(event('curated/trade/administration=XAA/year=2014/month=00/part-0.parquet'));
    expect(trade.status).toBe('SUCCEEDED');
    expect(trade.states).toEqual([
      'Route',
      'PrepareUpload',
      'DispatchUpload',
      'RefreshMirrorGapForTrade',
      'PublishUpload',
      'UploadSucceeded',
    ]);
    const fx = await run(event('curated/fx/administration=XAA/year=2014/month=01/part-0.parquet'));
    expect(fx.states).toEqual(['Route', 'PrepareUpload', 'DispatchUpload', 'NoAnalysisForDataset']);
  });

  it('rejects an object outside curated/ with a validation error', async () => {
    const result = await run(event('uploads/XAA/declarations/file.csv'));
    expect(result.status).toBe('FAILED');
    expect(result.error?.Cause).toMatch(/not a curated/);
  });
});
