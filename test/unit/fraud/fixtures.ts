import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Declaration } from '../../../shared/declarations/canonical.ts';
import { mulberry32 } from '../../../shared/fraud/forest/rng.ts';

/**
 * Small synthetic declarations with a planted signal: frauds are more likely for risky HS chapters and
 * importers and when the unit value is far below its product's norm.
 */
export function makeDeclarations(
  n: number,
  seed: number,
  startDate = '2020-01-01',
  days = 300,
): Declaration[] {
  const rand = mulberry32(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const hsCodes = ['440890', '690722', '851712', '870323', '940360', '610910', '300490', '950300'];
  const risky = new Set(['851712', '950300']);
  const importers = Array.from({ length: 40 }, (_, i) => `IMP${i}`);
  const t0 = Date.parse(`${startDate}T00:00:00Z`);
  const out: Declaration[] = [];
  for (let i = 0; i < n; i++) {
    const hs = pick(hsCodes);
    const importer = pick(importers);
    const weight = Math.round(10 + rand() * 1000);
    const normal = 50 + hsCodes.indexOf(hs) * 40;
    const under = rand() < 0.25;
    const unit = normal * (under ? 0.2 + rand() * 0.3 : 0.8 + rand() * 0.4);
    let p = 0.05 + (risky.has(hs) ? 0.25 : 0) + (importer.endsWith('7') ? 0.3 : 0) + (under ? 0.35 : 0);
    p = Math.min(p, 0.95);
    const date = new Date(t0 + Math.floor((i / n) * days) * 86_400_000).toISOString().slice(0, 10);
    out.push({
      declarationId: String(1_000_000 + i),
      itemNumber: 1,
      date,
      officeId: pick(['10', '20', '30']),
      importerId: importer,
      declarantId: `DEC${Math.floor(rand() * 10)}`,
      sellerId: `SEL${Math.floor(rand() * 30)}`,
      courierId: null,
      hsCode: hs,
      originCountry: pick(['CN', 'US', 'DE', 'VN']),
      departureCountry: pick(['CN', 'HK', 'US']),
      quantity: null,
      weightKg: weight,
      fobValue: null,
      cifValue: Math.round(weight * unit * 100) / 100,
      taxRate: pick([0, 8, 13]),
      totalTaxes: null,
      processType: 'B',
      importType: pick(['11', '21']),
      importUse: '21',
      paymentType: '11',
      transportMode: pick(['10', '40']),
      taxType: 'A',
      originIndicator: pick(['G', 'Y']),
      illicit: rand() < p ? 1 : 0,
      revenue: null,
    });
  }
  return out;
}

const KCS_HEADER =
  'Declaration ID,Date,Office ID,Process Type,Import Type,Import Use,Payment Type,Mode of Transport,Declarant ID,Importer ID,Seller ID,Courier ID,HS6 Code,Country of Departure,Country of Origin,Tax Rate,Tax Type,Country of Origin Indicator,Net Mass,Item Price,Fraud,Critical Fraud';

/** The declarations in the Korea Customs Service CSV layout. */
export function kcsCsv(decls: Declaration[], opts: { labels?: boolean } = {}): string {
  const rows = decls.map((d) =>
    [
      d.declarationId,
      d.date,
      d.officeId,
      d.processType,
      d.importType,
      d.importUse,
      d.paymentType,
      d.transportMode,
      d.declarantId,
      d.importerId,
      d.sellerId,
      d.courierId ?? '',
      d.hsCode,
      d.departureCountry,
      d.originCountry,
      d.taxRate?.toFixed(1),
      d.taxType,
      d.originIndicator,
      d.weightKg?.toFixed(1),
      d.cifValue,
      opts.labels === false ? '' : d.illicit,
      opts.labels === false ? '' : d.illicit,
    ].join(','),
  );
  return `${[KCS_HEADER, ...rows].join('\n')}\n`;
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'bacuda-fraud-'));
}

export function writeTemp(dir: string, name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
