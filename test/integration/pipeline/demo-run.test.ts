import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipelineLocally, seedPipelineDemo } from '../../../local/pipeline-runner.ts';
import { getResult } from '../../../shared/access/results.ts';
import { DuckDbQueryEngine } from '../../../shared/adapters/duckdb-query-engine.ts';
import { FsObjectStore } from '../../../shared/adapters/fs-object-store.ts';
import {
  currentModelVersion,
  listModelVersions,
  loadModel,
  promoteModel,
  saveModel,
} from '../../../shared/fraud/model-store.ts';
import { localLakeTables } from '../../../shared/ingest/datasets.ts';
import { listRuns, preliminaryKey, readRun } from '../../../shared/pipeline/runs.ts';
import type { PipelineDeps } from '../../../shared/pipeline/stage.ts';

/** End to end on generated demo data (two years, ~1,200 declarations), through the real definition and runner. */
let root: string;
let deps: PipelineDeps;
let query: DuckDbQueryEngine;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'bacuda-pipeline-demo-test-'));
  await seedPipelineDemo({ root, admins: ['XAA'], rowsPerAdmin: 1200 });
  query = new DuckDbQueryEngine(localLakeTables(root));
  deps = { store: new FsObjectStore(root), query, now: () => new Date() };
});

afterAll(async () => {
  await query?.close();
  await rm(root, { recursive: true, force: true });
});

describe('weekly pipeline on demo data', () => {
  let runId: string;

  it('scrapes, forecasts, trains, scores every partition and publishes for approval', async () => {
    const lines: string[] = [];
    const result = await runPipelineLocally({
      deps,
      input: { administration: 'XAA' },
      log: (l) => lines.push(l),
    });
    expect(result.error).toBeUndefined();
    expect(result.status).toBe('SUCCEEDED');
    runId = result.runId;
    expect(result.states).toEqual([
      'Route',
      'PrepareRun',
      'CollectPricesAndForecast',
      'ScrapePrices',
      'ForecastRevenue',
      'IngestPriceObservations',
      'RetrainOrScore',
      'TrainFraudModel',
      'ScoreDeclarationsReadItems',
      'ScoreDeclarations',
      'ScoreFraudPartition',
      'PublishRun',
      'RunSucceeded',
    ]);
    // Each state is shown as it starts and as it ends.
    expect(lines.some((l) => /▶ PublishRun/.test(l))).toBe(true);
    expect(lines.some((l) => /✓ PublishRun/.test(l))).toBe(true);

    expect(result.outputs.forecast).toEqual([`results/XAA/forecast/${runId}/`]);
    expect(result.outputs.fraud).toEqual([`results/XAA/fraud/${runId}/`]);
    expect(result.outputs.model[0]).toMatch(/^models\/XAA\/.+\/model\.json$/);

    const forecasts = JSON.parse(await deps.store.getText(`results/XAA/forecast/${runId}/forecasts.json`));
    expect(forecasts.series[0].history).toHaveLength(24);
    // Sub-series by office and HS chapter are forecast beside the total (the demo has no tax types).
    const names = forecasts.series.map((x: { name: string }) => x.name);
    expect(names.some((n: string) => n.startsWith('office-'))).toBe(true);
    expect(names).toContain('chapter-87');
    expect(forecasts.series[0].forecasts).toHaveLength(12);
    const p = forecasts.series[0].forecasts[0];
    expect(p.lo95).toBeLessThanOrEqual(p.lo80);
    expect(p.hi80).toBeLessThanOrEqual(p.hi95);

    const fraudFiles = await deps.store.list(`results/XAA/fraud/${runId}/`);
    expect(fraudFiles.filter((k) => k.endsWith('_selection.json'))).toHaveLength(24);
    const selection = JSON.parse(
      await deps.store.getText(fraudFiles.find((k) => k.endsWith('2013-06_selection.json'))!),
    );
    expect(selection.rows.length).toBeGreaterThan(0);
    expect(selection.rows[0].probability).toBeGreaterThanOrEqual(selection.rows.at(-1).probability);

    const record = await readRun(deps.store, 'XAA', runId);
    expect(record).toMatchObject({ status: 'SUCCEEDED', publishable: true, approval: { status: 'pending' } });
    expect(await deps.store.exists(preliminaryKey('XAA', runId))).toBe(true);
    expect(await getResult(deps.store, 'XAA', 'fraud', runId)).toMatchObject({
      status: 'preliminary',
      source: `pipeline run ${runId}`,
    });
  });

  it('records a timeline of stages in the run history', async () => {
    const [run] = await listRuns(deps.store, ['XAA']);
    expect(run.runId).toBe(runId);
    const names = run.stages.map((s) => s.stage);
    expect(names).toEqual(
      expect.arrayContaining(['PrepareRun', 'ForecastRevenue', 'TrainFraudModel', 'PublishRun']),
    );
    expect(names.filter((n) => n.startsWith('ScoreFraudPartition-'))).toHaveLength(24);
    expect(run.stages.every((s) => s.status === 'SUCCEEDED' && s.endedAt)).toBe(true);
  });

  it("stores the retrained model in the fraud model store's layout and promotes it as the first model", async () => {
    const [version] = await listModelVersions(deps.store, 'XAA');
    expect(await currentModelVersion(deps.store, 'XAA')).toBe(version);
    for (const f of ['model.json', 'profile.json', 'metrics.json', 'manifest.json'])
      expect(await deps.store.exists(`models/XAA/${version}/${f}`)).toBe(true);
    expect(await deps.store.exists('models/XAA/current.json')).toBe(false);
    const metrics = JSON.parse(await deps.store.getText(`models/XAA/${version}/metrics.json`));
    expect(metrics.holdout).toBeDefined();
    expect((await loadModel(deps.store, 'XAA', version)).kind).toBe('bacuda-fraud-rf');
  });

  it('scores a new declarations partition when it lands in curated/ (upload chain)', async () => {
    const key = (await deps.store.list('curated/declarations/administration=XAA/year=2013/month=03/'))[0];
    const result = await runPipelineLocally({
      deps,
      input: {
        'detail-type': 'Object Created',
        source: 'aws.s3',
        detail: { bucket: { name: 'local' }, object: { key: key.replaceAll('=', '%3D') } },
      },
    });
    expect(result.error).toBeUndefined();
    expect(result.states).toEqual(
      expect.arrayContaining([
        'AnalyseDeclarations',
        'ScoreUploadedPartition',
        'RefreshMirrorGapForDeclarations',
      ]),
    );
    // Batch results of an upload land under the ingest upload id (from the curated file name).
    const uploadId = /\.(\d{8}T\d{6}Z-[0-9a-f]{8})\.\d+\.parquet$/.exec(key)?.[1];
    expect(uploadId).toBeDefined();
    expect(result.outputs.fraud).toEqual([`results/XAA/fraud/${uploadId}/`]);
    const files = await deps.store.list(`results/XAA/fraud/${uploadId}/`);
    expect(files.some((f) => f.endsWith('_scores.json'))).toBe(true);
    expect(files.some((f) => f.endsWith('_selection.json'))).toBe(true);
  });

  it('scores later uploads with an explicitly promoted version (fraud promote), not the first one', async () => {
    const [first] = await listModelVersions(deps.store, 'XAA');
    const manifest = JSON.parse(await deps.store.getText(`models/XAA/${first}/manifest.json`));
    await saveModel(deps.store, 'XAA', 'zz-promoted', await loadModel(deps.store, 'XAA', first), {
      metrics: {},
      manifest,
    });
    await promoteModel(deps.store, 'XAA', 'zz-promoted', 'test');
    const key = (await deps.store.list('curated/declarations/administration=XAA/year=2013/month=04/'))[0];
    const result = await runPipelineLocally({
      deps,
      input: {
        'detail-type': 'Object Created',
        source: 'aws.s3',
        detail: { bucket: { name: 'local' }, object: { key } },
      },
    });
    expect(result.error).toBeUndefined();
    const files = await deps.store.list(result.outputs.fraud[0]);
    const selection = JSON.parse(
      await deps.store.getText(files.find((k) => k.endsWith('2013-04_selection.json'))!),
    );
    expect(selection.model).toBe('models/XAA/zz-promoted/model.json');
    expect(await currentModelVersion(deps.store, 'XAA')).toBe('zz-promoted');
  });
});
