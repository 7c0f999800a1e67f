import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbQueryEngine } from '../../../shared/adapters/duckdb-query-engine.ts';
import { gapResponse } from '../../../shared/gap/index.ts';
import {
  createEmptyTariffs,
  InvalidFilterError,
  loadComtradeCsv,
  mirrorResponse,
} from '../../../shared/mirror/index.ts';
import { type Rec, rng, tempDir, writeBulk } from './fixtures.ts';

let engine: DuckDbQueryEngine;

/** Four importers × four exporters × two products × two years, one pair in eight heavily under-declared. */
function fixture(): Rec[] {
  const rand = rng(7);
  const c: [number, string][] = [
    [36, 'AUS'],
    [156, 'CHN'],
    [404, 'KEN'],
    [842, 'USA'],
  ];
  const recs: Rec[] = [];
  let n = 0;
  for (const period of [2019, 2020])
    for (const product of ['440799', '030211'])
      for (const [i, iIso] of c)
        for (const [e, eIso] of c) {
          if (i === e) continue;
          const exp = Math.round(1000 + rand() * 9000);
          const imp = Math.round(exp * (n++ % 8 === 0 ? 0.2 : 1.05 + rand() * 0.1));
          recs.push({
            period,
            flow: 1,
            reporter: i,
            reporterIso: iIso,
            partner: e,
            partnerIso: eIso,
            product,
            value: imp,
            weight: 10,
          });
          recs.push({
            period,
            flow: 2,
            reporter: e,
            reporterIso: eIso,
            partner: i,
            partnerIso: iIso,
            product,
            value: exp,
            weight: 12,
          });
        }
  return recs;
}

beforeAll(async () => {
  engine = new DuckDbQueryEngine();
  await loadComtradeCsv(engine, writeBulk(tempDir(), 'trade.csv', fixture()));
  await createEmptyTariffs(engine);
});
afterAll(async () => {
  await engine.close();
});

describe('mirrorResponse (GET /v1/mirror)', () => {
  it('returns summary, a sorted page, top gaps, scatter points and filter options', async () => {
    const r = await mirrorResponse(engine, new URLSearchParams('limit=5&sort=import_value&order=asc'));
    expect(r.summary.pairs).toBe(2 * 2 * 12);
    expect(r.page).toEqual({ offset: 0, limit: 5, total: 48, sort: 'import_value', order: 'asc' });
    expect(r.rows).toHaveLength(5);
    const values = r.rows.map((p) => p.importValue);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(r.rows[0]).toHaveProperty('adjustedExportValue');
    expect(r.topGaps).toHaveLength(10);
    expect(r.topGaps[0].valueGap).toBeGreaterThanOrEqual(r.topGaps[9].valueGap);
    expect(r.scatter).toHaveLength(48);
    expect(r.summary.flagged).toBeGreaterThan(0);
    expect(r.scatter.slice(0, r.summary.flagged).every((p) => p.flagged)).toBe(true);
    expect(r.options.reporters.map((x) => x.iso)).toEqual(['AUS', 'CHN', 'KEN', 'USA']);
    expect(r.options.products).toEqual(['030211', '440799']);
    expect(r.options.periods).toEqual(['2019', '2020']);
  });

  it('applies filters and pages through the rest', async () => {
    const r = await mirrorResponse(engine, {
      reporter: 'KEN',
      partner: 'CHN',
      product: '44',
      limit: '1',
      offset: '1',
      sort: 'period',
      order: 'asc',
    });
    expect(r.summary.pairs).toBe(2);
    expect(r.rows.map((p) => [p.period, p.importerIso, p.exporterIso, p.product])).toEqual([
      ['2020', 'KEN', 'CHN', '440799'],
    ]);
    expect(r.options.partners.map((p) => p.iso)).toEqual(['AUS', 'CHN', 'USA']);
    expect(r.filters).toEqual({ reporter: 'KEN', partner: 'CHN', product: '44', period: null });
  });

  it('rejects bad parameters before running any query', async () => {
    await expect(mirrorResponse(engine, { sort: 'import_value; DROP TABLE trade' })).rejects.toThrow(
      InvalidFilterError,
    );
    await expect(mirrorResponse(engine, { partner: "CHN' OR 1=1" })).rejects.toThrow(InvalidFilterError);
    await expect(mirrorResponse(engine, { limit: '-1' })).rejects.toThrow(InvalidFilterError);
    await expect(mirrorResponse(engine, { period: '20x0' })).rejects.toThrow(InvalidFilterError);
  });
});

describe('gapResponse (GET /v1/gap)', () => {
  it('returns totals, a waterfall and breakdowns', async () => {
    const r = await gapResponse(engine, { reporter: 'KEN', defaultRate: '10' });
    expect(r.totals.lines).toBe(12);
    expect(r.totals.gap).toBeCloseTo(
      r.totals.valuationGap + r.totals.volumeGap + r.totals.rateGap - r.totals.overCollection,
      1,
    );
    expect(r.waterfall.map((s) => s.step)).toEqual([
      'Potential revenue',
      'Valuation gap',
      'Volume gap',
      'Rate gap',
      'Collected above statutory',
      'Actual revenue',
    ]);
    expect(r.byChapter.map((c) => c.key).sort()).toEqual(['03', '44']);
    expect(r.byPartner).toHaveLength(3);
    expect(r.byPeriod.map((p) => p.key)).toEqual(['2019', '2020']);
    expect(r.settings).toMatchObject({ source: 'comtrade', defaultRatePercent: 10 });
  });
});
