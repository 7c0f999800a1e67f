import { beforeAll, describe, expect, it } from 'vitest';
import { FsObjectStore } from '../../../shared/adapters/fs-object-store.ts';
import { scoreBatch, scoreInParallel, writeBatchResults } from '../../../shared/fraud/batch.ts';
import { mlForestJsonText } from '../../../shared/fraud/forest/ml-format.ts';
import { FraudScorer, trainFraudModel } from '../../../shared/fraud/model.ts';
import { FraudInputError, scoreDeclarations } from '../../../shared/fraud/score.ts';
import { makeDeclarations, tempDir } from './fixtures.ts';

describe('scoreDeclarations (POST /v1/fraud/score)', () => {
  let scorer: FraudScorer;
  beforeAll(async () => {
    const model = await trainFraudModel(makeDeclarations(600, 1), {
      forest: { nEstimators: 15, workers: 0 },
    });
    // As the store round-trips it: the forest as ml-random-forest JSON text.
    scorer = new FraudScorer({ ...model, forest: JSON.parse(mlForestJsonText(model.forest)) });
  });
  const request = (n: number) =>
    makeDeclarations(n, 5).map(({ illicit: _i, revenue: _r, ...d }) => ({
      ...d,
      importerId: `${d.importerId}-new`,
    }));

  it('returns score, rank band and top factors per declaration, unseen categories included', () => {
    const body = request(30);
    const res = scoreDeclarations(scorer, { declarations: body }, { topFactors: 3 });
    expect(res).toHaveLength(30);
    for (const r of res) {
      expect(r.score).toBeGreaterThanOrEqual(0);
      expect(r.score).toBeLessThanOrEqual(1);
      expect(['top-1%', 'top-2%', 'top-5%', 'top-10%', 'rest']).toContain(r.rankBand);
      expect(r.topFactors.length).toBeLessThanOrEqual(3);
      const abs = r.topFactors.map((f) => Math.abs(f.contribution));
      expect(abs).toEqual([...abs].sort((a, b) => b - a));
      for (const f of r.topFactors) expect(scorer.space.featureNames).toContain(f.feature);
      expect(r.expectedRevenue).toBeNull();
    }
    expect(res[0].declarationId).toBe(body[0].declarationId);
    // Same scores as the batch path.
    const batch = scorer.score(body.map((d) => ({ ...d, illicit: null, revenue: null })));
    expect(res.map((r) => r.score)).toEqual(Array.from(batch.probability));
    // Top factors: the largest |contribution| first, ties in feature order (a stable sort of contributions()).
    const decls = body.map((d) => ({ ...d, illicit: null, revenue: null }));
    const x = scorer.features(decls);
    const F = scorer.space.nFeatures;
    res.forEach((r, i) => {
      const { contributions } = scorer.forest.contributions(x, i * F);
      const expected = Array.from(contributions.keys())
        .filter((f) => contributions[f] !== 0)
        .sort((a, b) => Math.abs(contributions[b]) - Math.abs(contributions[a]))
        .slice(0, 3)
        .map((f) => ({ feature: scorer.space.featureNames[f], contribution: contributions[f] }));
      expect(r.topFactors.map(({ feature, contribution }) => ({ feature, contribution }))).toEqual(expected);
    });
  });

  it('rejects bad requests with a 400 and a reason', () => {
    const cases: [unknown, RegExp][] = [
      [{ declarations: [] }, /no declarations/],
      [{ declarations: request(1001) }, /too many declarations: 1001/],
      [{ nope: 1 }, /expected a JSON array/],
      [[{ ...request(1)[0], cifValue: -1 }], /cifValue: must not be negative/],
      [[{ ...request(1)[0], weightKg: Number.NaN }], /weightKg/],
      [[{ ...request(1)[0], hsCode: '12' }], /hsCode: must be 6 to 12 digits/],
      [[{ ...request(1)[0], date: '2021-02-30' }], /date: must be a real date/],
      [[{ ...request(1)[0], declarationId: undefined }], /declarationId/],
    ];
    for (const [body, message] of cases) {
      let err: unknown;
      try {
        scoreDeclarations(scorer, body);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(FraudInputError);
      expect((err as FraudInputError).status).toBe(400);
      expect((err as Error).message).toMatch(message);
    }
    expect(scoreDeclarations(scorer, request(1000))).toHaveLength(1000);
  });

  it('scores in worker threads with the same numbers as in the calling thread', async () => {
    const decls = makeDeclarations(3000, 9);
    const alone = scorer.score(decls);
    const parallel = await scoreInParallel(scorer, decls, { workers: 2, chunkRows: 700, minRows: 0 });
    expect(parallel.probability).toEqual(alone.probability);
    expect(parallel.soft).toEqual(alone.soft);
    expect(parallel.priority).toEqual(alone.priority);
  });

  it('writes the batch scores and the k% selection list for an upload', async () => {
    const decls = makeDeclarations(200, 8);
    const result = await scoreBatch(scorer, decls, { kPercent: 10, exploration: 0.1 });
    const store = new FsObjectStore(tempDir());
    const w = await writeBatchResults(store, { admin: 'XAA', uploadId: 'up-1', modelVersion: 'v1' }, result);
    expect(w).toEqual({ prefix: 'results/XAA/fraud/up-1', selected: 20, rows: 200 });
    const selection = JSON.parse(await store.getText('results/XAA/fraud/up-1/selection.json'));
    expect(selection.selected).toHaveLength(20);
    expect(selection.selected.filter((s: { selected: string }) => s.selected === 'exploration')).toHaveLength(
      2,
    );
    const csv = await store.getText('results/XAA/fraud/up-1/scores.csv');
    expect(csv.trim().split('\n')).toHaveLength(201);
  });
});
