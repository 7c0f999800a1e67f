import { SeededRandom } from './random.ts';

/** Column order of the WCO BACUDA synthetic import-declaration file. */
export const WCO_SYNTHETIC_COLUMNS = [
  'sgd.id',
  'sgd.date',
  'importer.id',
  'declarant.id',
  'country',
  'office.id',
  'tariff.code',
  'quantity',
  'gross.weight',
  'fob.value',
  'cif.value',
  'total.taxes',
  'illicit',
  'revenue',
] as const;

export interface GenerateOptions {
  rows: number;
  seed: number;
  /** Calendar year the declarations fall in (the published synthetic file covers 2013). */
  year?: number;
  /** Number of the first declaration (SGD<firstId>), so files for several years never reuse an id. */
  firstId?: number;
}

interface Tariff {
  code: string;
  chapter: number;
  /** Duty + levies as a fraction of CIF value. */
  rate: number;
  /** log of the typical CIF value per kg. */
  logUnitValue: number;
}

/**
 * HS chapters and their weight in the flow: one chapter (vehicles, 87) dominates, as in the published
 * synthetic data, followed by machinery and plastics; the long tail is spread over the rest.
 */
const CHAPTER_WEIGHTS: [number, number][] = [
  [87, 60],
  [85, 7],
  [84, 5],
  [39, 2],
  [73, 2],
  [94, 1.5],
  [95, 1],
  [3, 1],
  [4, 1],
  [30, 1],
  [22, 1],
  [61, 1],
  [62, 1],
  [64, 1],
  [72, 1],
  [40, 0.8],
  [48, 0.8],
  [33, 0.6],
  [90, 0.6],
  [10, 0.5],
  [17, 0.5],
  [27, 0.5],
  [76, 0.5],
  [82, 0.4],
  [69, 0.4],
  [70, 0.4],
];
/** Chapters where inspections find fraud more often (food, furniture, toys in the published data). */
const RISKY_CHAPTERS = new Set([3, 4, 94, 95, 61, 62, 64, 22]);

/** A deterministic world of tariff lines, importers, declarants, origins and offices for one seed. */
class DemoWorld {
  readonly tariffs: Tariff[] = [];
  readonly tariffsByChapter = new Map<number, Tariff[]>();
  readonly chapterCdf: number[] = [];
  readonly importers: { id: string; declarant: number; risky: boolean; origin: number }[] = [];
  readonly declarants: string[] = [];
  readonly countries: string[] = [];
  readonly offices: string[] = [];

  constructor(rng: SeededRandom, rows: number) {
    let total = 0;
    for (const [chapter, weight] of CHAPTER_WEIGHTS) {
      total += weight;
      this.chapterCdf.push(total);
      const lines: Tariff[] = [];
      const count = 10 + rng.int(60);
      const chapterRate = rng.pick([0.05, 0.1, 0.2, 0.35]);
      for (let i = 0; i < count; i++) {
        const code = `${String(chapter).padStart(2, '0')}${String(1 + rng.int(99)).padStart(2, '0')}${String(rng.int(1_000_000)).padStart(6, '0')}`;
        const rate = Math.max(0, chapterRate + rng.pick([-0.05, 0, 0, 0.05, 0.1]));
        lines.push({ code, chapter, rate: rate + 0.075, logUnitValue: 1.5 + 2 * rng.normal() });
      }
      this.tariffsByChapter.set(chapter, lines);
      this.tariffs.push(...lines);
    }
    for (let i = 0; i < CHAPTER_WEIGHTS.length; i++) this.chapterCdf[i] /= total;

    for (let i = 0; i < 112; i++)
      this.countries.push(`CNTRY${String(100 + ((i * 367) % 900)).padStart(3, '0')}`);
    for (let i = 0; i < 40; i++) this.offices.push(`OFFICE${String(10 + ((i * 37) % 90)).padStart(2, '0')}`);
    const declarantCount = Math.max(20, Math.round(rows / 60));
    for (let i = 0; i < declarantCount; i++)
      this.declarants.push(`DEC${String(1000 + ((i * 7919) % 9000)).padStart(4, '0')}`);
    const importerCount = Math.max(50, Math.round(rows / 11.5));
    for (let i = 0; i < importerCount; i++) {
      // A bijection on 100000..999999 keeps ids unique yet unordered.
      const id = `IMP${100000 + ((i * 486_677) % 900_000)}`;
      this.importers.push({
        id,
        declarant: rng.skewed(declarantCount, 2),
        risky: rng.next() < 0.06,
        origin: rng.skewed(112, 3),
      });
    }
  }

  chapter(rng: SeededRandom): number {
    const u = rng.next();
    const i = this.chapterCdf.findIndex((c) => u <= c);
    return CHAPTER_WEIGHTS[i < 0 ? CHAPTER_WEIGHTS.length - 1 : i][0];
  }
}

/**
 * Day-of-year for row i of n, so rows come out in date order with weekly volume rising through the
 * year (about 1.8x from January to December, as in the published synthetic data).
 */
function dayForRow(i: number, n: number, jitter: number): number {
  // Density grows linearly from 1 to 1.8 over the year: invert its CDF.
  const q = Math.min(0.999999, (i + jitter) / n);
  const a = 0.8 / 2;
  const b = 1;
  const c = -q * (1 + 0.8 / 2);
  const x = (-b + Math.sqrt(b * b - 4 * a * c)) / (2 * a);
  return Math.min(364, Math.floor(x * 365));
}

function isoDay(year: number, dayOfYear: number): string {
  const d = new Date(Date.UTC(year, 0, 1 + dayOfYear));
  return d.toISOString().slice(0, 10);
}

/**
 * Streams rows of the WCO BACUDA synthetic layout, one CSV line at a time, so a million rows need no more
 * memory than a hundred. Fraud is planted three ways: undervaluation, misclassification to a lower-rate
 * code of the same chapter, and risky importers; about 7-8% of rows are illicit, and `revenue` holds the
 * extra tax an inspection would recover.
 */
export function* generateWcoSyntheticLines(options: GenerateOptions): Generator<string> {
  const { rows, seed } = options;
  const year = options.year ?? 2013;
  const firstId = options.firstId ?? 1;
  const rng = new SeededRandom(seed);
  const world = new DemoWorld(rng, rows);
  const seen = new Set<number>();
  yield WCO_SYNTHETIC_COLUMNS.join(',');
  for (let i = 0; i < rows; i++) {
    const day = dayForRow(i, rows, rng.next());
    const date = isoDay(year, day).slice(2); // 'YY-MM-DD' as in the published file
    const importerIndex = rng.skewed(world.importers.length, 2);
    const importer = world.importers[importerIndex];
    const firstSeen = !seen.has(importerIndex);
    seen.add(importerIndex);
    const declarant = rng.next() < 0.8 ? world.declarants[importer.declarant] : rng.pick(world.declarants);
    const origin =
      rng.next() < 0.6 ? world.countries[importer.origin] : world.countries[rng.skewed(112, 2.5)];
    const office = world.offices[rng.skewed(world.offices.length, 2)];
    const chapter = world.chapter(rng);
    const lines = world.tariffsByChapter.get(chapter)!;
    const trueTariff = lines[rng.skewed(lines.length, 1.5)];

    const weight = Math.max(1, Math.round(rng.logNormal(5.5, 1.6)));
    const quantity = Math.max(1, Math.round(rng.next() < 0.3 ? 1 : rng.logNormal(3, 2)));
    const trueCif = Math.max(10, weight * Math.exp(trueTariff.logUnitValue + 0.5 * rng.normal()));

    let p = 0.045;
    if (importer.risky) p += 0.35;
    if (RISKY_CHAPTERS.has(chapter)) p += 0.06;
    // New importers are riskier early in the year, before the service has profiled them.
    if (firstSeen) p += 0.12 * Math.max(0, 1 - day / 140);
    const illicit = rng.next() < p;

    let declaredCif = trueCif;
    let declaredTariff = trueTariff;
    if (illicit) {
      const kind = rng.next();
      const lower = lines.filter((t) => t.rate < trueTariff.rate);
      if (kind < 0.55 || lower.length === 0) declaredCif = trueCif * (0.25 + 0.4 * rng.next());
      else if (kind < 0.85) declaredTariff = rng.pick(lower);
      else {
        declaredCif = trueCif * (0.5 + 0.3 * rng.next());
        if (lower.length) declaredTariff = rng.pick(lower);
      }
    }
    const cif = Math.round(declaredCif);
    const fob = Math.round(cif * Math.min(0.8 + 0.1 * rng.normal(), 1));
    const taxes = Math.round(cif * declaredTariff.rate);
    const revenue = illicit ? Math.max(1, Math.round(trueCif * trueTariff.rate - taxes)) : 0;
    yield [
      `SGD${firstId + i}`,
      date,
      importer.id,
      declarant,
      origin,
      office,
      declaredTariff.code,
      quantity,
      weight,
      fob,
      cif,
      taxes,
      illicit ? 1 : 0,
      revenue,
    ].join(',');
  }
}
