import { z } from 'zod';

/**
 * Cross-check of declared unit values against observed market prices. Pure functions: the caller loads
 * declarations (canonical schema) and price observations (the `prices` dataset) and passes them in.
 */

/** A market price, already converted to the national currency (convertedPrice). */
export interface MarketObservation {
  date: string;
  url: string;
  price: string | number;
  currency: string | null;
  convertedPrice: number | null;
  productKey: string | null;
  hsCode: string | null;
}

/** The declaration fields the check needs (a subset of shared/declarations/canonical.ts, plus an optional product key). */
export interface DeclaredItem {
  declarationId: string;
  itemNumber: number;
  date: string;
  hsCode: string;
  quantity: number | null;
  cifValue: number | null;
  fobValue?: number | null;
  /** Product key when the administration maps declaration items to products (else HS6 matching is used). */
  productKey?: string | null;
}

export const crossCheckOptionsSchema = z.object({
  /** Which market quantile is "the market's low end" (0.1 = 10th percentile). */
  lowQuantile: z.number().gt(0).lt(1).default(0.1),
  /** Flag when the declared unit value is below this fraction of the low quantile. */
  fraction: z.number().gt(0).max(10).default(0.5),
  /** Fewer observations than this: no market distribution, no flag. */
  minObservations: z.number().int().min(1).default(3),
  /** Observations within this many days (either side) of the declaration date count. */
  windowDays: z.number().int().min(1).default(365),
  /** Declared value used for the unit value. */
  valueField: z.enum(['cifValue', 'fobValue']).default('cifValue'),
  /** Evidence rows kept per flag (the cheapest observations first). */
  evidenceLimit: z.number().int().min(1).max(100).default(5),
});
export type CrossCheckOptions = z.infer<typeof crossCheckOptionsSchema>;
export type CrossCheckOptionsInput = z.input<typeof crossCheckOptionsSchema>;

export interface MarketStats {
  matchedBy: 'productKey' | 'hs6';
  key: string;
  n: number;
  min: number;
  lowQuantile: number;
  q25: number;
  median: number;
  q75: number;
  max: number;
}

export interface Evidence {
  url: string;
  date: string;
  price: string;
  currency: string | null;
  convertedPrice: number;
}

export interface ValuationFlag {
  declarationId: string;
  itemNumber: number;
  date: string;
  hsCode: string;
  productKey: string | null;
  declaredUnitValue: number;
  /** fraction × market low quantile: the declared unit value was below this. */
  threshold: number;
  /** declaredUnitValue / market median. */
  ratio: number;
  market: MarketStats;
  evidence: Evidence[];
}

export interface CrossCheckResult {
  flags: ValuationFlag[];
  /** Items with a usable unit value and a market distribution. */
  checked: number;
  /** Items with no (or too few) matching observations. */
  unmatched: number;
  /** Items without a positive quantity and value. */
  noUnitValue: number;
}

/** Quantile with linear interpolation between order statistics (R type 7, numpy's default). */
export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

const hs6 = (hs: string | null | undefined) => (hs && hs.length >= 6 ? hs.slice(0, 6) : null);
const dayNumber = (d: string) => Math.floor(Date.parse(`${d.slice(0, 10)}T00:00:00Z`) / 86_400_000);

interface Indexed {
  day: number;
  value: number;
  obs: MarketObservation;
}

/** Observations grouped by product key and by HS6, each group sorted by date for window lookups. */
export class MarketIndex {
  private readonly byKey = new Map<string, Indexed[]>();
  private readonly byHs6 = new Map<string, Indexed[]>();

  constructor(observations: readonly MarketObservation[]) {
    for (const obs of observations) {
      const value = obs.convertedPrice;
      if (value === null || !(value > 0) || !Number.isFinite(value)) continue;
      const item = { day: dayNumber(obs.date), value, obs };
      if (Number.isNaN(item.day)) continue;
      if (obs.productKey) push(this.byKey, obs.productKey, item);
      const h = hs6(obs.hsCode);
      if (h) push(this.byHs6, h, item);
    }
    for (const m of [this.byKey, this.byHs6])
      for (const list of m.values()) list.sort((a, b) => a.day - b.day);
  }

  /** Observations for an item: by product key when it has matches, else by HS6; within ±windowDays. */
  lookup(item: { productKey?: string | null; hsCode: string; date: string }, windowDays: number) {
    const day = dayNumber(item.date);
    const pick = (list: Indexed[] | undefined) =>
      list ? windowOf(list, day - windowDays, day + windowDays) : [];
    if (item.productKey) {
      const rows = pick(this.byKey.get(item.productKey));
      if (rows.length) return { matchedBy: 'productKey' as const, key: item.productKey, rows };
    }
    const h = hs6(item.hsCode);
    return { matchedBy: 'hs6' as const, key: h ?? '', rows: h ? pick(this.byHs6.get(h)) : [] };
  }
}

function push(m: Map<string, Indexed[]>, k: string, v: Indexed) {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

function windowOf(list: Indexed[], from: number, to: number): Indexed[] {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].day < from) lo = mid + 1;
    else hi = mid;
  }
  const out: Indexed[] = [];
  for (let i = lo; i < list.length && list[i].day <= to; i++) out.push(list[i]);
  return out;
}

export function statsOf(
  values: number[],
  lowQ: number,
  matchedBy: MarketStats['matchedBy'],
  key: string,
): MarketStats {
  const s = [...values].sort((a, b) => a - b);
  return {
    matchedBy,
    key,
    n: s.length,
    min: s[0],
    lowQuantile: quantile(s, lowQ),
    q25: quantile(s, 0.25),
    median: quantile(s, 0.5),
    q75: quantile(s, 0.75),
    max: s[s.length - 1],
  };
}

function unitValue(d: DeclaredItem, field: CrossCheckOptions['valueField']): number | null {
  const v = field === 'fobValue' ? d.fobValue : d.cifValue;
  if (v == null || d.quantity == null || !(d.quantity > 0) || !(v > 0)) return null;
  return v / d.quantity;
}

/**
 * Flags declaration items whose unit value is below `fraction` × the market's low quantile, with the evidence
 * (cheapest matching observations). Items match observations by product key, else by HS6, within the window.
 */
export function valuationFlags(
  declarations: readonly DeclaredItem[],
  observations: readonly MarketObservation[] | MarketIndex,
  options: CrossCheckOptionsInput = {},
): CrossCheckResult {
  const o = crossCheckOptionsSchema.parse(options);
  const index = observations instanceof MarketIndex ? observations : new MarketIndex(observations);
  const flags: ValuationFlag[] = [];
  let checked = 0;
  let unmatched = 0;
  let noUnitValue = 0;
  for (const d of declarations) {
    const uv = unitValue(d, o.valueField);
    if (uv === null) {
      noUnitValue++;
      continue;
    }
    const { matchedBy, key, rows } = index.lookup(d, o.windowDays);
    if (rows.length < o.minObservations) {
      unmatched++;
      continue;
    }
    checked++;
    const market = statsOf(
      rows.map((r) => r.value),
      o.lowQuantile,
      matchedBy,
      key,
    );
    const threshold = o.fraction * market.lowQuantile;
    if (uv < threshold) {
      const evidence = [...rows]
        .sort((a, b) => a.value - b.value)
        .slice(0, o.evidenceLimit)
        .map((r) => ({
          url: r.obs.url,
          date: r.obs.date,
          price: String(r.obs.price),
          currency: r.obs.currency,
          convertedPrice: r.value,
        }));
      flags.push({
        declarationId: d.declarationId,
        itemNumber: d.itemNumber,
        date: d.date,
        hsCode: d.hsCode,
        productKey: d.productKey ?? null,
        declaredUnitValue: round(uv),
        threshold: round(threshold),
        ratio: round(uv / market.median),
        market: {
          ...market,
          lowQuantile: round(market.lowQuantile),
          q25: round(market.q25),
          median: round(market.median),
          q75: round(market.q75),
        },
        evidence,
      });
    }
  }
  flags.sort((a, b) => a.ratio - b.ratio);
  return { flags, checked, unmatched, noUnitValue };
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;

/**
 * The fraud model's feature: declared unit value / market median per item (null when either is missing).
 * Low values mean "declared far below the market". Keyed by `${declarationId}#${itemNumber}`.
 */
export function declaredToMarketRatio(
  declarations: readonly DeclaredItem[],
  observations: readonly MarketObservation[] | MarketIndex,
  options: CrossCheckOptionsInput = {},
): Map<string, number | null> {
  const o = crossCheckOptionsSchema.parse(options);
  const index = observations instanceof MarketIndex ? observations : new MarketIndex(observations);
  const out = new Map<string, number | null>();
  for (const d of declarations) {
    const uv = unitValue(d, o.valueField);
    const { rows } = index.lookup(d, o.windowDays);
    let ratio: number | null = null;
    if (uv !== null && rows.length >= o.minObservations) {
      const median = quantile(
        rows.map((r) => r.value).sort((a, b) => a - b),
        0.5,
      );
      ratio = round(uv / median);
    }
    out.set(`${d.declarationId}#${d.itemNumber}`, ratio);
  }
  return out;
}

/** Query parameters of GET /v1/prices/flags (the administration comes from the route/token, not from here). */
export const pricesFlagsQuerySchema = z
  .object({
    from: z.iso.date().optional(),
    to: z.iso.date().optional(),
    hsPrefix: z
      .string()
      .regex(/^\d{2,10}$/)
      .optional(),
    fraction: z.coerce.number().gt(0).max(10).optional(),
    lowQuantile: z.coerce.number().gt(0).lt(1).optional(),
    minObservations: z.coerce.number().int().min(1).optional(),
    windowDays: z.coerce.number().int().min(1).max(3660).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();
export type PricesFlagsQuery = z.infer<typeof pricesFlagsQuerySchema>;

/**
 * Body of GET /v1/prices/flags: filters declarations by date and HS prefix, runs the cross-check and returns the
 * most extreme flags first, with the settings used and the counts.
 */
export function pricesFlagsResponse(
  declarations: readonly DeclaredItem[],
  observations: readonly MarketObservation[],
  query: PricesFlagsQuery,
) {
  const selected = declarations.filter(
    (d) =>
      (!query.from || d.date >= query.from) &&
      (!query.to || d.date <= query.to) &&
      (!query.hsPrefix || d.hsCode.startsWith(query.hsPrefix)),
  );
  const options = crossCheckOptionsSchema.parse({
    fraction: query.fraction,
    lowQuantile: query.lowQuantile,
    minObservations: query.minObservations,
    windowDays: query.windowDays,
  });
  const result = valuationFlags(selected, observations, options);
  return {
    settings: options,
    declarations: selected.length,
    checked: result.checked,
    unmatched: result.unmatched,
    noUnitValue: result.noUnitValue,
    flagged: result.flags.length,
    flags: result.flags.slice(0, query.limit),
  };
}
