import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.ts';
import { DuckDbQueryEngine } from '../../../shared/adapters/duckdb-query-engine.ts';
import {
  cents,
  createEmptyTariffs,
  DEFAULT_SETTINGS,
  loadComtradeCsv,
  loadTariffsCsv,
  mirrorRows,
  mirrorSummary,
  resolveCifFobFactor,
} from '../../../shared/mirror/index.ts';
import { type Rec, rng, tempDir, writeBulk, writePlus } from './fixtures.ts';

let engine: DuckDbQueryEngine;
let dir: string;

beforeEach(() => {
  engine = new DuckDbQueryEngine();
  dir = tempDir();
});
afterEach(async () => {
  await engine.close();
});

/** Two countries trading both ways plus a third, with every pairing rule exercised once. */
const BASE: Rec[] = [
  // KEN (404) imports from CHN (156), reported as two rows that must be summed.
  {
    period: 2020,
    flow: 1,
    reporter: 404,
    reporterIso: 'KEN',
    partner: 156,
    partnerIso: 'CHN',
    product: 440799,
    value: 600,
    weight: 100,
  },
  {
    period: 2020,
    flow: 1,
    reporter: 404,
    reporterIso: 'KEN',
    partner: 156,
    partnerIso: 'CHN',
    product: 440799,
    value: 400,
    weight: 100,
  },
  // CHN's exports to KEN: the mirror.
  {
    period: 2020,
    flow: 2,
    reporter: 156,
    reporterIso: 'CHN',
    partner: 404,
    partnerIso: 'KEN',
    product: 440799,
    value: 1200,
    weight: 250,
  },
  // CHN imports from KEN, with no KEN export reported: no pair.
  {
    period: 2020,
    flow: 1,
    reporter: 156,
    reporterIso: 'CHN',
    partner: 404,
    partnerIso: 'KEN',
    product: 440799,
    value: 50,
  },
  // World partner and self-pair rows: dropped by rule.
  {
    period: 2020,
    flow: 1,
    reporter: 404,
    reporterIso: 'KEN',
    partner: 0,
    partnerIso: 'WLD',
    product: 440799,
    value: 9999,
  },
  {
    period: 2020,
    flow: 2,
    reporter: 404,
    reporterIso: 'KEN',
    partner: 404,
    partnerIso: 'KEN',
    product: 440799,
    value: 7,
  },
  // Re-export: excluded with a reason.
  {
    period: 2020,
    flow: 3,
    reporter: 156,
    reporterIso: 'CHN',
    partner: 404,
    partnerIso: 'KEN',
    product: 440799,
    value: 5,
  },
  // Different period: does not pair with 2020.
  {
    period: 2021,
    flow: 1,
    reporter: 404,
    reporterIso: 'KEN',
    partner: 156,
    partnerIso: 'CHN',
    product: 440799,
    value: 300,
  },
  // An area without ISO3 (490, Other Asia nes) still pairs on its numeric code.
  {
    period: 2020,
    flow: 1,
    reporter: 404,
    reporterIso: 'KEN',
    partner: 490,
    partnerIso: '',
    product: 440799,
    value: 70,
    weight: 10,
  },
  {
    period: 2020,
    flow: 2,
    reporter: 490,
    reporterIso: '',
    partner: 404,
    partnerIso: 'KEN',
    product: 440799,
    value: 60,
    weight: 10,
  },
];

describe('loading Comtrade files', () => {
  it('reads the bulk layout and reports exclusions with reasons', async () => {
    const bad: Rec[] = [
      { period: 2020, flow: 'Z', reporter: 404, partner: 156, product: 440799, value: 1 },
      { period: 2020, flow: 1, reporter: 404, partner: 156, product: 440799, value: '' },
      { period: 2020, flow: 1, reporter: 404, partner: 156, product: 440799, value: 'NA' },
      { period: 2020, flow: 1, reporter: 404, partner: 156, product: 440799, value: '12abc' },
      { period: 2020, flow: 1, reporter: 404, partner: 156, product: 440799, value: 5, weight: 'heavy' },
      { period: 'last year', flow: 1, reporter: 404, partner: 156, product: 440799, value: 5 },
      { period: 2020, flow: 1, reporter: 'KEN', partner: 156, product: 440799, value: 5 },
    ];
    const path = writeBulk(dir, 'bulk.csv', [...BASE, ...bad]);
    const report = await loadComtradeCsv(engine, path);
    expect(report.layout).toBe('bulk');
    expect(report.rows).toBe(BASE.length + bad.length);
    expect(report.loaded).toBe(BASE.length - 1); // the re-export is excluded
    const reasons = Object.fromEntries(report.excluded.reasons.map((r) => [r.reason, r.rows]));
    expect(reasons).toEqual({
      'unknown flow code Z': 1,
      'missing trade value': 2,
      'non-numeric trade value': 1,
      'non-numeric weight': 1,
      'invalid period (want YYYY or YYYYMM)': 1,
      'non-numeric reporter code': 1,
      'flow 3 (Re-Export) is neither import nor export': 1,
    });
    expect(report.excluded.total).toBe(bad.length + 1);
    expect(report.notPaired).toEqual({ worldPartner: 1, selfPair: 1 });
  });

  it('reads the Comtrade+ layout with monthly periods and keeps HS leading zeros', async () => {
    const recs: Rec[] = [
      {
        period: 202001,
        flow: 'M',
        reporter: 36,
        reporterIso: 'AUS',
        partner: 554,
        partnerIso: 'NZL',
        product: '030211',
        value: '1000.25',
        weight: 10,
      },
      {
        period: 202001,
        flow: 'X',
        reporter: 554,
        reporterIso: 'NZL',
        partner: 36,
        partnerIso: 'AUS',
        product: '030211',
        value: '900.10',
        weight: 11,
      },
      {
        period: 202001,
        flow: 'FM',
        reporter: 36,
        reporterIso: 'AUS',
        partner: 554,
        partnerIso: 'NZL',
        product: '030211',
        value: 3,
      },
      {
        period: 202001,
        flow: 'RX',
        reporter: 554,
        reporterIso: 'NZL',
        partner: 36,
        partnerIso: 'AUS',
        product: '030211',
        value: 4,
      },
    ];
    const path = writePlus(dir, 'plus.csv', recs);
    const report = await loadComtradeCsv(engine, path);
    expect(report.layout).toBe('comtrade-plus');
    expect(report.loaded).toBe(2);
    expect(report.excluded.reasons.map((r) => r.reason).sort()).toEqual([
      'flow FM is neither import nor export',
      'flow RX is neither import nor export',
    ]);
    await createEmptyTariffs(engine);
    const rows = await mirrorRows(engine, DEFAULT_SETTINGS);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      period: '202001',
      product: '030211',
      importer_iso: 'AUS',
      exporter_iso: 'NZL',
    });
    const summary = await mirrorSummary(engine, DEFAULT_SETTINGS);
    expect(summary).toMatchObject({ pairs: 1, importsValue: 1000.25, mirrorExportsValue: 900.1 });
  });

  it('restores the leading zero a bulk file lost (30211 -> 030211)', async () => {
    const path = writeBulk(dir, 'z.csv', [
      { period: 2020, flow: 1, reporter: 36, partner: 554, product: 30211, value: 10 },
    ]);
    await loadComtradeCsv(engine, path);
    expect(await engine.query('SELECT product FROM trade')).toEqual([{ product: '030211' }]);
  });

  it('warns on mixed HS revisions and can restrict to one', async () => {
    const recs: Rec[] = [
      {
        classification: 'H2',
        period: 2020,
        flow: 1,
        reporter: 404,
        partner: 156,
        product: 440799,
        value: 10,
      },
      { classification: 'H5', period: 2020, flow: 2, reporter: 156, partner: 404, product: 440799, value: 9 },
    ];
    const path = writeBulk(dir, 'mixed.csv', recs);
    const all = await loadComtradeCsv(engine, path);
    expect(all.warnings.join('\n')).toMatch(/mixed HS classifications \(H2: 1 rows, H5: 1 rows\)/);
    const only = await loadComtradeCsv(engine, path, { classification: 'h5' });
    expect(only.loaded).toBe(1);
    expect(only.excluded.reasons).toEqual([
      { reason: 'classification H2 (analysis restricted to H5)', rows: 1 },
    ]);
  });

  it('rejects a file that is not Comtrade with a clear message', async () => {
    const path = join(dir, 'other.csv');
    writeFileSync(path, 'a,b\n1,2\n');
    await expect(loadComtradeCsv(engine, path)).rejects.toThrow(
      /not a UN Comtrade file.*no column for period/,
    );
  });
});

describe('mirror pairing', () => {
  it('follows the pairing rules on a hand-checked example', async () => {
    await loadComtradeCsv(engine, writeBulk(dir, 'base.csv', BASE));
    await createEmptyTariffs(engine);
    const rows = await mirrorRows(engine, DEFAULT_SETTINGS, {}, { sort: 'import_value' });
    expect(rows.map((r) => [r.importer_iso, r.exporter, r.import_value, r.export_value])).toEqual([
      ['KEN', '156', 1000, 1200],
      ['KEN', '490', 70, 60],
    ]);
    const ken = rows[0];
    expect(ken.adjusted_export_value).toBeCloseTo(1320, 9);
    expect(ken.value_gap).toBeCloseTo(320, 9);
    expect(ken.ratio).toBeCloseTo(1000 / 1200, 12);
    expect(ken.log_ratio).toBeCloseTo(Math.log(1000 / 1200), 12);
    expect(ken.import_unit_value).toBeCloseTo(5, 12);
    expect(ken.export_unit_value).toBeCloseTo(4.8, 12);
    expect(ken.weight_gap).toBe(-50);
    const summary = await mirrorSummary(engine, DEFAULT_SETTINGS);
    expect(summary).toMatchObject({ pairs: 2, importsValue: 1070, mirrorExportsValue: 1260, flagged: 0 });
    expect(await mirrorSummary(engine, DEFAULT_SETTINGS, { reporter: 'CHN' })).toMatchObject({ pairs: 0 });
    expect(await mirrorSummary(engine, DEFAULT_SETTINGS, { partner: '490' })).toMatchObject({ pairs: 1 });
    expect(await mirrorSummary(engine, DEFAULT_SETTINGS, { period: '2021' })).toMatchObject({ pairs: 0 });
  });

  it('applies the longest-prefix tariff rate, or the default rate', async () => {
    await loadComtradeCsv(engine, writeBulk(dir, 'base.csv', BASE));
    const tariffs = join(dir, 'tariffs.csv');
    writeFileSync(tariffs, 'hs_code,rate\n44,5\n4407.99,25\n9999,x\n');
    const t = await loadTariffsCsv(engine, tariffs);
    expect(t).toMatchObject({ rows: 3, loaded: 2, excluded: { total: 1 } });
    const [ken] = await mirrorRows(
      engine,
      { ...DEFAULT_SETTINGS, defaultRatePercent: 7 },
      { partner: 'CHN' },
    );
    expect(ken.duty_rate_percent).toBe(25);
    expect(ken.potential_duty_loss).toBeCloseTo(320 * 0.25, 9);
    await createEmptyTariffs(engine);
    const [dflt] = await mirrorRows(
      engine,
      { ...DEFAULT_SETTINGS, defaultRatePercent: 7 },
      { partner: 'CHN' },
    );
    expect(dflt.duty_rate_percent).toBe(7);
    expect(dflt.potential_duty_loss).toBeCloseTo(320 * 0.07, 9);
  });

  it('estimates the CIF/FOB factor as the median import/export ratio, bounded', async () => {
    await loadComtradeCsv(engine, writeBulk(dir, 'base.csv', BASE));
    // ratios 1000/1200 and 70/60: median = geometric mean of the two, below 1 -> bounded to 1.
    expect(await resolveCifFobFactor(engine, 'estimate')).toMatchObject({ factor: 1, estimated: true });
    expect((await resolveCifFobFactor(engine, 'estimate')).rawEstimate).toBeCloseTo(
      Math.sqrt((1000 / 1200) * (70 / 60)),
      12,
    );
  });

  it('matches an independent JavaScript pairing on random data, to the cent, with the same flags', async () => {
    const rand = rng(42);
    const recs: Rec[] = [];
    const countries = [4, 8, 12, 36, 156, 404, 490, 554, 842];
    for (let i = 0; i < 3000; i++) {
      const reporter = countries[Math.floor(rand() * countries.length)];
      const partner = rand() < 0.05 ? 0 : countries[Math.floor(rand() * countries.length)];
      const flow = rand() < 0.5 ? 1 : 2;
      const value = (Math.floor(rand() * 1e7) / 100) * (rand() < 0.03 ? 50 : 1);
      recs.push({
        period: 2018 + Math.floor(rand() * 3),
        flow,
        reporter,
        partner,
        product: ['440799', '440710', '030211'][Math.floor(rand() * 3)],
        value: value.toFixed(2),
        weight: rand() < 0.1 ? '' : Math.floor(rand() * 1e5),
      });
    }
    await loadComtradeCsv(
      engine,
      writePlus(
        dir,
        'rand.csv',
        recs.map((r) => ({ ...r, flow: r.flow === 1 ? 'M' : 'X' })),
      ),
    );
    await createEmptyTariffs(engine);

    // Reference: plain JS over the records (test-sized data only).
    const sums = new Map<string, number>();
    for (const r of recs) {
      if (r.partner === 0 || r.partner === r.reporter) continue;
      const key = [r.period, r.reporter, r.partner, r.product, r.flow].join('|');
      sums.set(key, (sums.get(key) ?? 0) + Math.round(Number(r.value) * 100));
    }
    const pairs: { key: string; product: string; imp: number; exp: number }[] = [];
    for (const [key, imp] of sums) {
      const [period, reporter, partner, product, flow] = key.split('|');
      if (flow !== '1') continue;
      const exp = sums.get([period, partner, reporter, product, '2'].join('|'));
      if (exp !== undefined)
        pairs.push({ key: [period, reporter, partner, product].join('|'), product, imp, exp });
    }
    const median = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      const n = s.length;
      return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    };
    const flaggedRef = new Set<string>();
    for (const product of new Set(pairs.map((p) => p.product))) {
      const group = pairs.filter((p) => p.product === product && p.imp > 0 && p.exp > 0);
      const lr = group.map((p) => Math.log(p.imp / p.exp));
      const med = median(lr);
      const mad = median(lr.map((x) => Math.abs(x - med)));
      group.forEach((p, i) => {
        if (mad > 0 && Math.abs((lr[i] - med) / (1.4826 * mad)) > DEFAULT_SETTINGS.zThreshold)
          flaggedRef.add(p.key);
      });
    }

    const summary = await mirrorSummary(engine, DEFAULT_SETTINGS);
    expect(summary.pairs).toBe(pairs.length);
    expect(summary.importsValue).toBe(pairs.reduce((s, p) => s + p.imp, 0) / 100);
    expect(summary.mirrorExportsValue).toBe(pairs.reduce((s, p) => s + p.exp, 0) / 100);
    const rows = await mirrorRows(engine, DEFAULT_SETTINGS, {}, { limit: 100_000 });
    const flaggedSql = new Set(
      rows.filter((r) => r.flagged).map((r) => [r.period, r.importer, r.exporter, r.product].join('|')),
    );
    expect(flaggedRef.size).toBeGreaterThan(0);
    expect([...flaggedSql].sort()).toEqual([...flaggedRef].sort());
  });
});

describe('cents', () => {
  it('rounds decimal text half away from zero without binary drift', () => {
    expect(cents('35285671865.0000')).toBe(35285671865);
    expect(cents('1.005')).toBe(1.01);
    expect(cents('-2.345')).toBe(-2.35);
    expect(cents(null)).toBe(0);
  });
});

describe('bacuda mirror', () => {
  it('writes every pair to --out and ends stdout with the JSON summary', async () => {
    const trade = writeBulk(dir, 'base.csv', BASE);
    const outFile = join(dir, 'pairs.csv');
    const lines: string[] = [];
    const code = await main(['mirror', '--trade', trade, '--reporter', 'KEN', '--out', outFile, '--json'], {
      out: (s) => lines.push(s),
      log: () => {},
    });
    expect(code).toBe(0);
    const result = JSON.parse(lines.at(-1) ?? '');
    expect(result).toMatchObject({ pairs: 2, importsValue: 1070, mirrorExportsValue: 1260, flagged: 0 });
    expect(result.input.excluded.total).toBe(1);
    const csv = readFileSync(outFile, 'utf8').trim().split('\n');
    expect(csv).toHaveLength(3);
    expect(csv[0]).toMatch(/^period,importer,importer_iso,exporter,exporter_iso,product,/);
  });

  it('fails with one clear line on a missing file or a bad flag', async () => {
    const logs: string[] = [];
    const io = { out: () => {}, log: (s: string) => logs.push(s) };
    expect(await main(['mirror', '--trade', join(dir, 'nope.csv'), '--json'], io)).toBe(1);
    expect(logs.at(-1)).toMatch(/no such file/);
    const trade = writeBulk(dir, 'base.csv', BASE);
    expect(await main(['mirror', '--trade', trade, '--cif-fob', 'lots'], io)).toBe(2);
    expect(await main(['mirror', '--trade', trade, '--reporter', "K'EN"], io)).toBe(2);
  });
});
