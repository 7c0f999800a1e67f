import { describe, expect, it } from 'vitest';
import { generateWcoSyntheticLines, WCO_SYNTHETIC_COLUMNS } from '../../../shared/demo/wco-synthetic.ts';

function generate(rows: number, seed: number) {
  const lines = [...generateWcoSyntheticLines({ rows, seed })];
  const header = lines[0].split(',');
  const records = lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i], v])));
  return { lines, header, records };
}

describe('WCO BACUDA synthetic demo generator', () => {
  const { header, records } = generate(20_000, 42);

  it('writes the 14 published columns in order', () => {
    expect(header).toEqual([...WCO_SYNTHETIC_COLUMNS]);
    expect(records).toHaveLength(20_000);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    expect(generate(500, 42).lines).toEqual(generate(500, 42).lines);
    expect(generate(500, 43).lines).not.toEqual(generate(500, 42).lines);
  });

  it('plants about 7-8% illicit rows, with revenue only on illicit rows', () => {
    const illicit = records.filter((r) => r.illicit === '1');
    const rate = illicit.length / records.length;
    expect(rate).toBeGreaterThan(0.06);
    expect(rate).toBeLessThan(0.095);
    expect(records.filter((r) => r.illicit === '0').every((r) => r.revenue === '0')).toBe(true);
    expect(illicit.every((r) => Number(r.revenue) > 0)).toBe(true);
  });

  it('keeps rows in date order with volume rising through the year', () => {
    const dates = records.map((r) => r['sgd.date']);
    expect([...dates].sort()).toEqual(dates);
    const jan = dates.filter((d) => d.startsWith('13-01')).length;
    const dec = dates.filter((d) => d.startsWith('13-12')).length;
    expect(dec / jan).toBeGreaterThan(1.4);
  });

  it('has heavy-tailed importers and a dominant HS chapter', () => {
    const perImporter = new Map<string, number>();
    for (const r of records) perImporter.set(r['importer.id'], (perImporter.get(r['importer.id']) ?? 0) + 1);
    const counts = [...perImporter.values()].sort((a, b) => b - a);
    const top1pct = counts.slice(0, Math.ceil(counts.length / 100)).reduce((a, b) => a + b, 0);
    expect(top1pct / records.length).toBeGreaterThan(0.1);
    const ch87 = records.filter((r) => r['tariff.code'].startsWith('87')).length;
    expect(ch87 / records.length).toBeGreaterThan(0.5);
  });

  it('emits well-formed values: 10-digit codes, non-negative integers, fob <= cif', () => {
    for (const r of records.slice(0, 2000)) {
      expect(r['tariff.code']).toMatch(/^\d{10}$/);
      for (const c of ['quantity', 'gross.weight', 'fob.value', 'cif.value', 'total.taxes', 'revenue'])
        expect(r[c]).toMatch(/^\d+$/);
      expect(Number(r['fob.value'])).toBeLessThanOrEqual(Number(r['cif.value']));
    }
  });

  it('streams: the generator yields lazily', () => {
    const it = generateWcoSyntheticLines({ rows: 10_000_000, seed: 1 });
    expect(it.next().value).toContain('sgd.id');
    expect(it.next().value).toMatch(/^SGD1,/);
  });
});

describe('Comtrade-like demo trade statistics', () => {
  it('reports each flow from both sides, deterministically, with under-declared imports planted', async () => {
    const { generateComtradeLines } = await import('../../../shared/demo/comtrade-synthetic.ts');
    const lines = [...generateComtradeLines({ seed: 5, years: [2013] })];
    expect(lines).toEqual([...generateComtradeLines({ seed: 5, years: [2013] })]);
    const rows = lines.slice(1).map((l) => l.split(','));
    const imports = rows.filter((r) => r[2] === '1' && r[6] !== '0');
    const exports = new Map(
      rows.filter((r) => r[2] === '2').map((r) => [`${r[6]}-${r[4]}-${r[8]}`, Number(r[12])]),
    );
    expect(imports.length).toBeGreaterThan(50);
    const ratios = imports.map((r) => Number(r[12]) / exports.get(`${r[4]}-${r[6]}-${r[8]}`)!);
    expect(ratios.every((x) => Number.isFinite(x))).toBe(true);
    expect(ratios.filter((x) => x < 0.8).length / ratios.length).toBeGreaterThan(0.05);
  });
});
