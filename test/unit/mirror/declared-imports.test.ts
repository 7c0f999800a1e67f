import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.ts';
import { DuckDbQueryEngine } from '../../../shared/adapters/duckdb-query-engine.ts';
import { loadDeclarationsFile } from '../../../shared/gap/index.ts';
import {
  createEmptyTariffs,
  DEFAULT_SETTINGS,
  type ImportSide,
  importsFrom,
  loadComtradeCsv,
  mirrorResponse,
} from '../../../shared/mirror/index.ts';
import { mirrorTableSql } from '../../../shared/mirror/sql.ts';
import { type Rec, tempDir, writeBulk } from './fixtures.ts';

/**
 * Partners' exports to Kenya (404) in 2020, HS 440799: CHN 1200, IND 300, USA 100. Australia's own
 * pair with China stays on Comtrade whatever Kenya's import side is.
 */
const EXPORTS_TO_KEN: Rec[] = [
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
  {
    period: 2020,
    flow: 2,
    reporter: 156,
    reporterIso: 'CHN',
    partner: 36,
    partnerIso: 'AUS',
    product: 440799,
    value: 12,
  },
];
const KEN_IMPORT: Rec = {
  period: 2020,
  flow: 1,
  reporter: 404,
  reporterIso: 'KEN',
  partner: 156,
  partnerIso: 'CHN',
  product: 440799,
  value: 1000,
};

/** KCS-layout declarations of KEN in local currency (2 per US$): CN 1800 + 200, IN 1000 (ISO3 origin). */
const KCS_HEADER =
  'Declaration ID,Date,Office ID,Process Type,Import Type,Import Use,Payment Type,Mode of Transport,Declarant ID,Importer ID,Seller ID,Courier ID,HS6 Code,Country of Departure,Country of Origin,Tax Rate,Tax Type,Country of Origin Indicator,Net Mass,Item Price,Fraud,Critical Fraud';
const kcsRow = (id: number, date: string, hs: string, origin: string, price: number) =>
  `${id},${date},30,B,11,21,11,10,D1,I1,S1,,${hs},${origin},${origin},8,A,G,10,${price},0,0`;
const DECLARATIONS = [
  KCS_HEADER,
  kcsRow(1, '2020-03-01', '440799', 'CN', 1800),
  kcsRow(2, '2020-09-01', '440799', 'CN', 200),
  kcsRow(3, '2020-07-01', '440799', 'IN', 1000),
  kcsRow(4, '2021-07-01', '440799', 'IN', 4000), // no partner exports in 2021: no pair
].join('\n');

let engine: DuckDbQueryEngine;
let dir: string;
let declarations: string;

async function setUp(recs: Rec[]) {
  writeBulk(dir, 'trade.csv', recs);
  await loadComtradeCsv(engine, join(dir, 'trade.csv'));
  await createEmptyTariffs(engine);
  await loadDeclarationsFile(engine, declarations);
}

const side = (mode: ImportSide['mode']): ImportSide => ({
  mode,
  reporter: 'KEN',
  exchangeRate: 2,
  periodGranularity: 'year',
});

async function kenPairs(mode: ImportSide['mode']) {
  const { sql, params } = mirrorTableSql(
    DEFAULT_SETTINGS,
    {},
    'ORDER BY importer, exporter',
    undefined,
    side(mode),
  );
  return engine.query(sql, params);
}

beforeEach(() => {
  engine = new DuckDbQueryEngine();
  dir = tempDir('bacuda-mirror-decl-');
  declarations = join(dir, 'kcs.csv');
  writeFileSync(declarations, DECLARATIONS);
});
afterEach(async () => {
  await engine.close();
});

describe('declarations as the import side', () => {
  it('supply the imports of a reporter without Comtrade imports (auto)', async () => {
    await setUp(EXPORTS_TO_KEN);
    const rows = await kenPairs('auto');
    const ken = rows.filter((r) => r.importer_iso === 'KEN');
    expect(
      ken.map((r) => [r.exporter, r.exporter_iso, Number(r.import_value), Number(r.export_value)]),
    ).toEqual([
      ['156', 'CHN', 1000, 1200],
      ['699', 'IND', 500, 300],
    ]);
    expect(ken[0]).toMatchObject({
      importer: '404',
      import_classification: 'declarations',
      import_weight_kg: 20,
    });
    // Australia's Comtrade pair is untouched.
    expect(rows.filter((r) => r.importer_iso === 'AUS').map((r) => Number(r.import_value))).toEqual([10]);
    expect(await importsFrom(engine, side('auto'))).toBe('declarations');
    // comtrade: Kenya has no pairs at all.
    expect((await kenPairs('comtrade')).filter((r) => r.importer_iso === 'KEN')).toHaveLength(0);
  });

  it('leave Comtrade imports in place under auto, and replace them under declarations', async () => {
    await setUp([...EXPORTS_TO_KEN, KEN_IMPORT]);
    const auto = (await kenPairs('auto')).filter((r) => r.importer_iso === 'KEN');
    expect(auto.map((r) => [r.exporter_iso, Number(r.import_value), r.import_classification])).toEqual([
      ['CHN', 1000, 'H3'],
    ]);
    expect(await importsFrom(engine, side('auto'))).toBe('comtrade');
    const forced = (await kenPairs('declarations')).filter((r) => r.importer_iso === 'KEN');
    expect(forced.map((r) => [r.exporter_iso, Number(r.import_value)])).toEqual([
      ['CHN', 1000],
      ['IND', 500],
    ]);
  });

  it('answer GET /v1/mirror with the imports parameter', async () => {
    await setUp(EXPORTS_TO_KEN);
    const r = await mirrorResponse(engine, { reporter: 'KEN', exchangeRate: '2' }, { declarations: true });
    expect(r.summary).toMatchObject({ pairs: 2, importsValue: 1500, mirrorExportsValue: 1500 });
    expect(r.settings).toMatchObject({ imports: 'auto', importsFrom: 'declarations', exchangeRate: 2 });
    expect(r.options.partners.map((p) => p.iso)).toEqual(['CHN', 'IND']);
    const none = await mirrorResponse(
      engine,
      { reporter: 'KEN', imports: 'comtrade' },
      { declarations: true },
    );
    expect(none.summary.pairs).toBe(0);
    // Canonical tables without a loaded declarations table: auto stays on Comtrade.
    const plain = await mirrorResponse(engine, { reporter: 'KEN' });
    expect(plain.summary.pairs).toBe(0);
    await expect(mirrorResponse(engine, { imports: 'declarations' }, { declarations: true })).rejects.toThrow(
      /needs reporter/,
    );
    await expect(mirrorResponse(engine, { imports: 'lake' })).rejects.toThrow(/imports must be/);
  });

  it('bacuda mirror --declarations --reporter --exchange-rate', async () => {
    writeBulk(dir, 'trade.csv', EXPORTS_TO_KEN);
    const lines: string[] = [];
    const args = ['mirror', '--trade', join(dir, 'trade.csv'), '--reporter', 'KEN', '--json'];
    const code = await main([...args, '--declarations', declarations, '--exchange-rate', '2'], {
      out: (s) => lines.push(s),
      log: () => {},
    });
    expect(code).toBe(0);
    const json = JSON.parse(lines.at(-1) ?? '');
    expect(json).toMatchObject({
      pairs: 2,
      importsValue: 1500,
      mirrorExportsValue: 1500,
      imports: { mode: 'auto', from: 'declarations', exchangeRate: 2 },
    });
    expect(json.input.declarations).toMatchObject({ rows: 4, loaded: 4 });
    const logs: string[] = [];
    const noReporter = await main(
      ['mirror', '--trade', join(dir, 'trade.csv'), '--declarations', declarations],
      {
        out: () => {},
        log: (s) => logs.push(s),
      },
    );
    expect(noReporter).toBe(2);
    expect(logs.join('\n')).toMatch(/--declarations needs --reporter/);
  });
});
