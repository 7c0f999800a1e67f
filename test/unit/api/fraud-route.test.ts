import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { clearFraudModelCache } from '../../../functions/api/routes/fraud-models.ts';
import { type Declaration, readDeclarationsFile } from '../../../shared/declarations/index.ts';
import { generateWcoSyntheticLines } from '../../../shared/demo/wco-synthetic.ts';
import { type FraudModel, trainFraudModel } from '../../../shared/fraud/model.ts';
import { promoteModel, saveModel } from '../../../shared/fraud/model-store.ts';
import { apiHarness } from './harness.ts';

let h: Awaited<ReturnType<typeof apiHarness>>;
let decls: Declaration[];
let model: FraudModel;

/** Declarations as a member system sends them: no labels, and codes the model never saw. */
function request(n: number, from = 0) {
  return Array.from({ length: n }, (_, i) => decls[(from + i) % decls.length]).map(
    ({ illicit: _i, revenue: _r, ...d }, i) => ({
      ...d,
      declarationId: `${d.declarationId}-${i}`,
      importerId: i % 3 === 0 ? `NEW-IMPORTER-${i}` : d.importerId,
      officeId: i % 5 === 0 ? 'NEVER-SEEN' : d.officeId,
    }),
  );
}

beforeAll(async () => {
  h = await apiHarness();
  // A few hundred WCO-layout declarations through the same reader uploads use.
  const file = join(h.dir, 'wco.csv');
  await writeFile(file, `${[...generateWcoSyntheticLines({ rows: 600, seed: 7 })].join('\n')}\n`);
  decls = [];
  for await (const row of readDeclarationsFile(file))
    if (row.errors.length === 0) decls.push(row.declaration);
  model = await trainFraudModel(decls.slice(0, 400), { forest: { nEstimators: 10, workers: 0 } });
}, 30_000);
afterAll(() => h.cleanup());

const score = async (body: unknown, token?: string) =>
  h.call('POST', '/v1/fraud/score', { token: token ?? (await h.token('member-system', 'XAA')), body });

describe('POST /v1/fraud/score', () => {
  it('answers 409 no_model before the administration has a promoted model', async () => {
    const res = await score({ declarations: request(2) });
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe('no_model');
    expect(res.json.error.message).toMatch(/no promoted fraud model/);
  });

  it('scores with the current model: score, rank-band and top-factors per declaration, unseen codes included', async () => {
    await saveModel(h.store, 'XAA', 'v1', model, {
      metrics: { holdout: { 'precision@5': 0.5, 'recall@5': 0.2, rocAuc: 0.8 } },
      manifest: {
        trainingData: [],
        trainRows: 400,
        featureNames: model.profile.featureNames,
        featureGroups: model.profile.groups,
        forestOptions: {},
      },
    });
    await promoteModel(h.store, 'XAA', 'v1');
    clearFraudModelCache(h.store);
    const body = request(100, 400);
    const res = await score({ declarations: body, topFactors: 3 });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.administration).toBe('XAA');
    expect(res.json.modelVersion).toBe('v1');
    expect(res.json.scores).toHaveLength(100);
    for (const s of res.json.scores) {
      expect(Object.keys(s)).toEqual(
        expect.arrayContaining(['declarationId', 'itemNumber', 'score', 'rank-band', 'top-factors']),
      );
      expect(s.score).toBeGreaterThanOrEqual(0);
      expect(s.score).toBeLessThanOrEqual(1);
      expect(['top-1%', 'top-2%', 'top-5%', 'top-10%', 'rest']).toContain(s['rank-band']);
      expect(s['top-factors'].length).toBeLessThanOrEqual(3);
      for (const f of s['top-factors']) expect(model.profile.featureNames).toContain(f.feature);
    }
    expect(res.json.scores[0].declarationId).toBe(body[0].declarationId);
    // An official of the administration may score too.
    expect((await score({ declarations: request(1) }, await h.token('official', 'XAA'))).status).toBe(200);
  });

  it('keeps the loaded model in the container: later requests do not read it again', async () => {
    const getText = vi.spyOn(h.store, 'getText');
    try {
      for (let i = 0; i < 3; i++) expect((await score({ declarations: request(5) })).status).toBe(200);
      expect(getText.mock.calls.filter(([k]) => k.endsWith('model.json'))).toHaveLength(0);
    } finally {
      getText.mockRestore();
    }
  });

  it('refuses bad input with a 4xx and a reason', async () => {
    const one = request(1)[0];
    const { hsCode: _hs, ...noHs } = one;
    const cases: [unknown, number, RegExp][] = [
      [{ declarations: [] }, 400, /no declarations/],
      [{ declarations: request(1001) }, 413, /too many declarations: 1001/],
      [{ rows: [one] }, 400, /invalid body/],
      [{ declarations: [noHs] }, 400, /declarations\[0\]\.hsCode/],
      [{ declarations: [{ ...one, cifValue: -5 }] }, 400, /cifValue: must not be negative/],
      [{ declarations: [{ ...one, weightKg: 'NaN' }] }, 400, /weightKg/],
      [{ declarations: [{ ...one, date: '2013-02-30' }] }, 400, /date: must be a real date/],
      [{ declarations: ['not an object'] }, 400, /declarations\[0\]/],
      [{ declarations: [one], topFactors: 99 }, 400, /invalid body/],
    ];
    for (const [body, status, message] of cases) {
      const res = await score(body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(status);
      expect(res.json.error.message, JSON.stringify(res.json)).toMatch(message);
    }
    const tooMany = await score({ declarations: request(1001) });
    expect(tooMany.json.error.code).toBe('too_many_declarations');
    expect(
      (
        await h.call('POST', '/v1/fraud/score', {
          token: await h.token('member-system', 'XAA'),
          raw: '{"declarations":[{"cifValue":NaN}]}',
          contentType: 'application/json',
        })
      ).status,
    ).toBe(400);
  });

  it("refuses another administration's model and analysts", async () => {
    const member = await h.token('member-system', 'XBB');
    expect((await score({ administration: 'XAA', declarations: request(1) }, member)).status).toBe(403);
    expect((await score({ declarations: request(1) }, await h.token('analyst'))).status).toBe(403);
    const noScope = await h.token('member-system', 'XAA', { scopes: ['results/read'] });
    expect((await score({ declarations: request(1) }, noScope)).status).toBe(403);
  });

  it("scores with a model the pipeline's retrain stored and promoted (the same store and pointer)", async () => {
    await saveModel(h.store, 'XCC', '20130701-run1', model, {
      metrics: { holdout: { note: 'too little labelled data for a time-ordered holdout' } },
      manifest: {
        trainingData: [{ id: 'lake:declarations/XCC', source: 'curated declarations', rows: 400 }],
        trainRows: 400,
        featureNames: model.profile.featureNames,
        featureGroups: model.profile.groups,
        forestOptions: {},
      },
    });
    await promoteModel(h.store, 'XCC', '20130701-run1', 'pipeline (first model)');
    // A pointer in the retired pipeline layout is not read.
    await h.store.put('models/XCC/current.json', JSON.stringify({ version: 'gone' }));
    const res = await score({ declarations: request(10, 400) }, await h.token('member-system', 'XCC'));
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    const own = await score({ declarations: request(10, 400) });
    expect(res.json.scores.map((s: { score: number }) => s.score)).toEqual(
      own.json.scores.map((s: { score: number }) => s.score),
    );
  });
});

describe('GET /v1/fraud/models and /v1/fraud/selections', () => {
  it('lists versions with holdout metrics and importances, marking the current one', async () => {
    const res = await h.call('GET', '/v1/fraud/models', { token: await h.token('official', 'XAA') });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.current).toBe('v1');
    const [v1] = res.json.versions;
    expect(v1).toMatchObject({ version: 'v1', current: true, trainRows: 400 });
    expect(v1.holdout['precision@5']).toBe(0.5);
    expect(Object.keys(v1.importances).length).toBeGreaterThan(0);
    const pipeline = await h.call('GET', '/v1/fraud/models', { token: await h.token('official', 'XCC') });
    expect(pipeline.json.versions[0].importances).toEqual(model.importances);
  });

  it('returns the latest run’s selection list across partitions, by priority', async () => {
    const run = 'run-2013-07';
    const rows = (month: string, base: number) =>
      [0, 1, 2].map((i) => ({
        rank: i + 1,
        declarationId: `SGD${month}${i}`,
        itemNumber: 1,
        date: `2013-${month}-01`,
        probability: base - i / 10,
        priority: base - i / 10,
      }));
    await h.store.put(
      `results/XAA/fraud/${run}/2013-06_selection.json`,
      JSON.stringify({ model: 'models/XAA/v1/model.json', percent: 5, rows: rows('06', 0.9) }),
    );
    await h.store.put(
      `results/XAA/fraud/${run}/2013-07_selection.json`,
      JSON.stringify({ model: 'models/XAA/v1/model.json', percent: 5, rows: rows('07', 0.85) }),
    );
    const res = await h.call('GET', '/v1/fraud/selections', {
      token: await h.token('official', 'XAA'),
      query: { administration: 'XAA', limit: '4' },
    });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json).toMatchObject({ runId: run, kPercent: 5, total: 6, status: 'preliminary' });
    expect(res.json.items.map((i: { declarationId: string }) => i.declarationId)).toEqual([
      'SGD060',
      'SGD070',
      'SGD061',
      'SGD071',
    ]);
    expect(res.json.items[0].partition).toBe('2013-06');
    const missing = await h.call('GET', '/v1/fraud/selections', {
      token: await h.token('official', 'XAA'),
      query: { run: 'nope' },
    });
    expect(missing.status).toBe(404);
  });
});
