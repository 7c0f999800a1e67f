import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.ts';
import { DuckDbQueryEngine } from '../../../shared/adapters/duckdb-query-engine.ts';
import {
  DEFAULT_GAP_SETTINGS,
  loadDeclarationsFile,
  revenueGap,
  tradeGranularity,
} from '../../../shared/gap/index.ts';
import { loadComtradeCsv, loadTariffsCsv } from '../../../shared/mirror/index.ts';
import { type Rec, tempDir, writeBulk } from './fixtures.ts';

/**
 * Kenya (404) and three partners, 2020, HS 440799 at a 10 % statutory rate, CIF/FOB 1.10:
 * - CHN: KEN declares 1000, CHN reports 1200 -> mirror 1320: valuation gap (1320 − 1000) × 10 % = 32
 * - IND: KEN declares 500, IND reports 300 -> mirror 330 < declared: no valuation gap
 * - USA: USA reports 100 to KEN, KEN nothing -> volume gap 110 × 10 % = 11
 */
const TRADE: Rec[] = [
  {
    period: 2020,
    flow: 1,
    reporter: 404,
    reporterIso: 'KEN',
    partner: 156,
    partnerIso: 'CHN',
    product: 440799,
    value: 1000,
  },
  {
    period: 2020,
    flow: 2,
    reporter: 156,
    reporterIso: 'CHN',
    partner: 404,
    partnerIso: 'KEN',
    product: 440799,
    value: 1200,
  },
  {
    period: 2020,
    flow: 1,
    reporter: 404,
    reporterIso: 'KEN',
    partner: 699,
    partnerIso: 'IND',
    product: 440799,
    value: 500,
  },
  {
    period: 2020,
    flow: 2,
    reporter: 699,
    reporterIso: 'IND',
    partner: 404,
    partnerIso: 'KEN',
    product: 440799,
    value: 300,
  },
  {
    period: 2020,
    flow: 2,
    reporter: 842,
    reporterIso: 'USA',
    partner: 404,
    partnerIso: 'KEN',
    product: 440799,
    value: 100,
  },
  // Another importer's flows, left out by --reporter KEN.
  {
    period: 2020,
    flow: 1,
    reporter: 36,
    reporterIso: 'AUS',
    partner: 156,
    partnerIso: 'CHN',
    product: 440799,
    value: 10,
  },
];

/** KCS-layout declarations of KEN: CN under-taxed at 5 % on 900, IN at the statutory 10 % on 500. */
const KCS_HEADER =
  'Declaration ID,Date,Office ID,Process Type,Import Type,Import Use,Payment Type,Mode of Transport,Declarant ID,Importer ID,Seller ID,Courier ID,HS6 Code,Country of Departure,Country of Origin,Tax Rate,Tax Type,Country of Origin Indicator,Net Mass,Item Price,Fraud,Critical Fraud';
const kcsRow = (id: number, date: string, hs: string, origin: string, rate: number, price: number) =>
  `${id},${date},30,B,11,21,11,10,D1,I1,S1,,${hs},${origin},${origin},${rate},A,G,10,${price},0,0`;

let engine: DuckDbQueryEngine;
let dir: string;
let tariffs: string;
beforeEach(async () => {
  engine = new DuckDbQueryEngine();
  dir = tempDir('bacuda-gap-');
  tariffs = join(dir, 'tariffs.csv');
  writeFileSync(tariffs, 'hs_code,rate\n4407,10\n');
  await loadComtradeCsv(engine, writeBulk(dir, 'trade.csv', TRADE));
  await loadTariffsCsv(engine, tariffs);
});
afterEach(async () => {
  await engine.close();
});

describe('revenue gap from Comtrade alone', () => {
  it('splits potential − actual into valuation and volume gaps', async () => {
    const result = await revenueGap(engine, DEFAULT_GAP_SETTINGS, false, { reporter: 'KEN' });
    expect(result.totals).toMatchObject({
      lines: 3,
      potential: 193,
      actual: 150,
      gap: 43,
      valuationGap: 32,
      volumeGap: 11,
      rateGap: 0,
      overCollection: 0,
    });
    expect(result.byPartner.map((p) => [p.key, p.gap])).toEqual([
      ['CHN', 32],
      ['USA', 11],
      ['IND', 0],
    ]);
    expect(result.byChapter).toHaveLength(1);
    expect(result.byChapter[0]).toMatchObject({ key: '44', gap: 43 });
    expect(result.byPeriod.map((p) => p.key)).toEqual(['2020']);
    const w = result.waterfall;
    expect(w[0].amount + w.slice(1, -1).reduce((s, x) => s + x.amount, 0)).toBeCloseTo(
      w.at(-1)?.amount ?? 0,
      9,
    );
  });
});

describe('revenue gap over the administration’s declarations', () => {
  it('adds the rate gap where the applied rate is below the statutory one', async () => {
    const decl = join(dir, 'kcs.csv');
    writeFileSync(
      decl,
      [
        KCS_HEADER,
        kcsRow(1, '2020-03-01', '440799', 'CN', 5, 900),
        kcsRow(2, '2020-07-01', '440799', 'IN', 10, 500),
        kcsRow(3, 'not a date', '440799', 'IN', 10, 500),
      ].join('\n'),
    );
    const report = await loadDeclarationsFile(engine, decl);
    expect(report).toMatchObject({ format: 'kcs', rows: 3, loaded: 2 });
    expect(report.excluded.total).toBe(1);
    const settings = { ...DEFAULT_GAP_SETTINGS, periodGranularity: await tradeGranularity(engine) };
    const result = await revenueGap(engine, settings, true, { reporter: 'KEN' });
    // CHN: potential 132, collected 45: valuation (1320 − 900) × 10 % = 42, rate 90 − 45 = 45.
    expect(result.totals).toMatchObject({
      potential: 193,
      actual: 95,
      gap: 98,
      valuationGap: 42,
      volumeGap: 11,
      rateGap: 45,
      overCollection: 0,
    });
    await expect(revenueGap(engine, settings, true, {})).rejects.toThrow(/needs the reporter/);
  });
});

describe('bacuda gap', () => {
  it('prints the split and breakdowns as JSON on the last line', async () => {
    const lines: string[] = [];
    const code = await main(
      ['gap', '--trade', join(dir, 'trade.csv'), '--tariffs', tariffs, '--reporter', 'KEN', '--json'],
      { out: (s) => lines.push(s), log: () => {} },
    );
    expect(code).toBe(0);
    const json = JSON.parse(lines.at(-1) ?? '');
    expect(json).toMatchObject({ potential: 193, actual: 150, gap: 43, valuationGap: 32, volumeGap: 11 });
    expect(json.byPartner[0].key).toBe('CHN');
  });

  it('asks for --reporter with --declarations', async () => {
    const logs: string[] = [];
    const code = await main(
      ['gap', '--trade', join(dir, 'trade.csv'), '--tariffs', tariffs, '--declarations', tariffs],
      { out: () => {}, log: (s) => logs.push(s) },
    );
    expect(code).toBe(2);
    expect(logs.join('\n')).toMatch(/--declarations needs --reporter/);
  });
});
