import { SeededRandom } from './random.ts';

/** Header of the UN Comtrade bulk layout, the one ../docs/mirror-gap.md documents. */
export const COMTRADE_BULK_HEADER =
  'classification,year,flowcode,flow,reportercode,reporteriso,partnercode,partneriso,productcode,unitcode,quantity,weight,tradevalue,flag';

/** A few real M49 codes with their ISO3, enough for a readable demo mirror table. */
const COUNTRIES: [number, string][] = [
  [566, 'NGA'],
  [404, 'KEN'],
  [156, 'CHN'],
  [276, 'DEU'],
  [356, 'IND'],
  [392, 'JPN'],
  [410, 'KOR'],
  [528, 'NLD'],
  [710, 'ZAF'],
  [784, 'ARE'],
  [842, 'USA'],
  [76, 'BRA'],
];
/** HS6 products from the chapters the demo declarations use most (vehicles, machinery, plastics, food). */
const PRODUCTS = [
  '870323',
  '870332',
  '850440',
  '847130',
  '390110',
  '730890',
  '940360',
  '030389',
  '040210',
  '220300',
];

/**
 * Streams a small Comtrade-like bulk file: every importer-exporter-product-year flow reported by both sides,
 * with ordinary CIF/FOB and reporting noise, a share of flows where the importer declares far less than the
 * partner exported (the undervaluation mirror analysis looks for), re-exports (excluded by the pairing rules)
 * and World totals (dropped). Deterministic for a seed.
 */
export function* generateComtradeLines(options: { seed: number; years: number[] }): Generator<string> {
  const rng = new SeededRandom(options.seed);
  yield COMTRADE_BULK_HEADER;
  for (const year of options.years)
    for (const [imp, impIso] of COUNTRIES)
      for (const [exp, expIso] of COUNTRIES) {
        if (imp === exp || rng.next() < 0.55) continue;
        let worldImports = 0;
        for (const product of PRODUCTS) {
          if (rng.next() < 0.5) continue;
          const weight = Math.round(rng.logNormal(11, 1.2));
          const unitValue = rng.logNormal(1.5, 0.8);
          const exported = Math.round(weight * unitValue);
          // CIF/FOB margin and reporting noise; one flow in eight is heavily under-declared at import.
          const understated = rng.next() < 0.125 ? 0.3 + 0.4 * rng.next() : 1;
          const imported = Math.round(exported * 1.1 * understated * Math.exp(0.08 * rng.normal()));
          const qty = Math.round(weight / 1000);
          worldImports += imported;
          yield `H5,${year},1,Import,${imp},${impIso},${exp},${expIso},${product},8,${qty},${weight},${imported},0`;
          yield `H5,${year},2,Export,${exp},${expIso},${imp},${impIso},${product},8,${qty},${weight},${exported},0`;
          if (rng.next() < 0.1)
            yield `H5,${year},3,Re-export,${exp},${expIso},${imp},${impIso},${product},8,1,10,${Math.round(exported / 20)},0`;
        }
        if (worldImports > 0)
          yield `H5,${year},1,Import,${imp},${impIso},0,WLD,999999,8,1,1,${worldImports},0`;
      }
}

/** Statutory duty rates for the demo products (the national tariff the gap analysis applies). */
export function demoTariffLines(validFrom: string): string[] {
  const rates: Record<string, number> = {
    '87': 35,
    '85': 10,
    '84': 5,
    '39': 10,
    '73': 20,
    '94': 20,
    '03': 10,
    '04': 20,
    '22': 50,
  };
  return [
    'hs_code,rate_percent,vat_percent,valid_from',
    ...Object.entries(rates).map(([chapter, rate]) => `${chapter},${rate},7.5,${validFrom}`),
  ];
}
