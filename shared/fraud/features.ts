import type { Declaration } from '../declarations/canonical.ts';
import { mulberry32 } from './forest/rng.ts';

/**
 * Feature engineering for fraud detection: every number the forest sees about a declaration, computed
 * only from the training period (the FeatureProfile). docs/fraud.md documents each feature and the
 * ablation that decided which groups are on by default.
 */
export const FEATURE_GROUPS = [
  'entityRisk',
  'productRisk',
  'placeRisk',
  'attributeRisk',
  'codes',
  'firstSeen',
  'volume',
  'values',
  'unitValues',
  'tax',
  'calendar',
  'marketPrice',
] as const;
export type FeatureGroup = (typeof FEATURE_GROUPS)[number];

/**
 * Candidate group sets tried per training set (see selectFeatureGroups in model.ts), from value-only to
 * full risk profiles. Which one wins depends on the data: on the KCS synthetic declarations entity
 * histories add noise, while on data with persistent risky importers they carry the signal.
 */
export const GROUP_CANDIDATES: readonly (readonly FeatureGroup[])[] = [
  ['values', 'unitValues', 'tax', 'marketPrice'],
  ['productRisk', 'values', 'unitValues', 'tax', 'marketPrice'],
  ['productRisk', 'placeRisk', 'firstSeen', 'values', 'unitValues', 'tax', 'marketPrice'],
  ['entityRisk', 'productRisk', 'placeRisk', 'firstSeen', 'values', 'unitValues', 'tax', 'marketPrice'],
];

/** Optional market price observations (from the web-scraping Series), in the declarations' currency. */
export interface PriceObservation {
  hsCode: string;
  /** Price per kg ('kg') or per item ('item'). */
  unit: 'kg' | 'item';
  unitPrice: number;
}

interface KeyDef {
  name: string;
  group: 'entityRisk' | 'productRisk' | 'placeRisk' | 'attributeRisk';
  firstSeen?: boolean;
  /** A raw attribute (not a combination) that the 'codes' group label-encodes. */
  code?: 'label' | 'numeric';
  of: (d: Declaration) => string | null;
}

/** Categorical keys whose history yields a smoothed fraud rate (and volume, and a first-seen flag). */
export const RISK_KEYS: KeyDef[] = [
  { name: 'importer', code: 'label', group: 'entityRisk', firstSeen: true, of: (d) => d.importerId },
  { name: 'declarant', code: 'label', group: 'entityRisk', firstSeen: true, of: (d) => d.declarantId },
  { name: 'seller', code: 'label', group: 'entityRisk', firstSeen: true, of: (d) => d.sellerId },
  { name: 'courier', code: 'label', group: 'entityRisk', of: (d) => d.courierId },
  {
    name: 'importerHs6',
    group: 'entityRisk',
    firstSeen: true,
    of: (d) => (d.importerId ? `${d.importerId}|${hs(d, 6)}` : null),
  },
  { name: 'hs6', code: 'numeric', group: 'productRisk', firstSeen: true, of: (d) => hs(d, 6) },
  { name: 'hs4', group: 'productRisk', of: (d) => hs(d, 4) },
  { name: 'hs2', group: 'productRisk', of: (d) => hs(d, 2) },
  { name: 'origin', code: 'label', group: 'placeRisk', of: (d) => d.originCountry },
  { name: 'departure', code: 'label', group: 'placeRisk', of: (d) => d.departureCountry },
  { name: 'office', code: 'label', group: 'placeRisk', of: (d) => d.officeId },
  {
    name: 'route',
    group: 'placeRisk',
    of: (d) =>
      `${d.departureCountry ?? d.originCountry ?? '?'}>${d.originCountry ?? '?'}>${d.officeId ?? '?'}`,
  },
  { name: 'processType', code: 'label', group: 'attributeRisk', of: (d) => d.processType },
  { name: 'importType', code: 'label', group: 'attributeRisk', of: (d) => d.importType },
  { name: 'importUse', code: 'label', group: 'attributeRisk', of: (d) => d.importUse },
  { name: 'paymentType', code: 'label', group: 'attributeRisk', of: (d) => d.paymentType },
  { name: 'transportMode', code: 'label', group: 'attributeRisk', of: (d) => d.transportMode },
  { name: 'taxType', code: 'label', group: 'attributeRisk', of: (d) => d.taxType },
  { name: 'originIndicator', code: 'label', group: 'attributeRisk', of: (d) => d.originIndicator },
];

/** HS prefix; the canonical hsCode is digits only (ingest and the scoring schema validate that). */
function hs(d: Declaration, digits: number): string | null {
  const code = d.hsCode;
  return code && code.length >= digits ? code.slice(0, digits) : null;
}

/** Key value for missing attributes: "not declared" is itself a category with its own history. */
const NONE = '∅';

export interface FeatureProfile {
  version: 1;
  groups: FeatureGroup[];
  featureNames: string[];
  /** Training fraud rate: the rate every unseen category falls back to. */
  prior: number;
  /** Pseudo-count of the smoothing: rate = (frauds + m·prior) / (count + m). */
  smoothing: number;
  /** Per key: value → [declarations, frauds] over the training period. */
  stats: Record<string, Record<string, [number, number]>>;
  /** Median log unit values (per kg, per item) by HS6, HS4, HS2 and overall. */
  medians: Record<
    'kg' | 'item',
    { hs6: Record<string, number>; hs4: Record<string, number>; hs2: Record<string, number>; all: number }
  >;
  /** Median market unit price by HS6 and unit, when price observations were given. */
  marketPrices: Record<string, number>;
  /** Mean recovered revenue / customs value among frauds, by HS6 (smoothed) and overall; null without revenue labels. */
  revenueRatio: { hs6: Record<string, number>; all: number } | null;
  trainRows: number;
  dateRange: [string, string];
}

export interface FeatureOptions {
  groups: readonly FeatureGroup[];
  smoothing: number;
  /** How training rows get their own risk encodings: out-of-fold (K folds) or from strictly earlier dates. */
  trainingEncoding: 'oof' | 'past';
  folds: number;
  seed: number;
  prices?: PriceObservation[];
}

/** Groups on by default; chosen from the time-ordered ablation in docs/fraud.md. */
export const DEFAULT_FEATURE_GROUPS: readonly FeatureGroup[] = [
  'productRisk',
  'placeRisk',
  'firstSeen',
  'values',
  'unitValues',
  'tax',
  'marketPrice',
];

export const DEFAULT_FEATURE_OPTIONS: FeatureOptions = {
  groups: DEFAULT_FEATURE_GROUPS,
  smoothing: 10,
  trainingEncoding: 'oof',
  folds: 5,
  seed: 17,
};

type Counts = Map<string, [number, number]>;

function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = Float64Array.from(values).sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** log of a positive ratio; NaN when either side is missing, zero or negative. */
function logRatio(a: number | null, b: number | null): number {
  return a !== null && b !== null && a > 0 && b > 0 ? Math.log(a / b) : Number.NaN;
}

const v = (x: number | null | undefined): number => (x === null || x === undefined ? Number.NaN : x);

function unitValues(d: Declaration): { kg: number; item: number } {
  return { kg: logRatio(d.cifValue, d.weightKg), item: logRatio(d.cifValue, d.quantity) };
}

/** Names of the features each group contributes, in column order. */
function featureNamesFor(groups: readonly FeatureGroup[]): string[] {
  const on = new Set(groups);
  const names: string[] = [];
  for (const k of RISK_KEYS) if (on.has(k.group)) names.push(`${k.name}.fraudRate`);
  if (on.has('codes')) for (const k of RISK_KEYS) if (k.code) names.push(`${k.name}.code`);
  if (on.has('firstSeen')) for (const k of RISK_KEYS) if (k.firstSeen) names.push(`${k.name}.firstSeen`);
  if (on.has('volume'))
    for (const k of RISK_KEYS)
      if (on.has(k.group) || k.group === 'entityRisk') names.push(`${k.name}.logCount`);
  if (on.has('values'))
    names.push('cifValue', 'logCifValue', 'fobValue', 'fobToCif', 'logWeightKg', 'logQuantity');
  if (on.has('unitValues'))
    names.push('logValuePerKg', 'logValuePerItem', 'logValuePerKgVsHs6Median', 'logValuePerItemVsHs6Median');
  if (on.has('tax')) names.push('taxRate', 'taxesToValue');
  if (on.has('calendar')) names.push('month', 'dayOfWeek', 'dayOfMonth');
  if (on.has('marketPrice')) names.push('logDeclaredVsMarketPrice');
  return names;
}

/** The risk keys the enabled groups read (only these get training statistics). */
function keysFor(on: ReadonlySet<FeatureGroup>): KeyDef[] {
  return RISK_KEYS.filter(
    (k) =>
      on.has(k.group) ||
      (k.firstSeen && on.has('firstSeen')) ||
      (k.group === 'entityRisk' && on.has('volume')) ||
      (k.code && on.has('codes')),
  );
}

function hierarchicalMedian(m: FeatureProfile['medians']['kg'], d: Declaration): number {
  const h6 = hs(d, 6);
  const h4 = hs(d, 4);
  const h2 = hs(d, 2);
  return (
    (h6 ? m.hs6[h6] : undefined) ?? (h4 ? m.hs4[h4] : undefined) ?? (h2 ? m.hs2[h2] : undefined) ?? m.all
  );
}

/**
 * The fitted feature space: build it from training declarations with FeatureSpace.fit, persist
 * `profile` (plain JSON), and rebuild it for scoring with FeatureSpace.fromProfile.
 */
export class FeatureSpace {
  readonly profile: FeatureProfile;
  private readonly counts: Map<string, Counts>;
  private readonly keys: KeyDef[];
  private readonly on: Set<FeatureGroup>;
  private readonly codeMaps: (Map<string, number> | null)[];
  private readonly rateOn: boolean[];
  // Per-row scratch for writeRow.
  private readonly cnt: Float64Array;
  private readonly frd: Float64Array;
  private readonly keyValues: string[];

  private constructor(profile: FeatureProfile) {
    this.profile = profile;
    this.on = new Set(profile.groups);
    this.keys = keysFor(this.on);
    this.counts = new Map(Object.entries(profile.stats).map(([k, rec]) => [k, new Map(Object.entries(rec))]));
    this.rateOn = this.keys.map((k) => this.on.has(k.group));
    this.cnt = new Float64Array(this.keys.length);
    this.frd = new Float64Array(this.keys.length);
    this.keyValues = this.keys.map(() => NONE);
    // Label codes: rank of the value among the training values in sorted order (scikit-learn's
    // LabelEncoder); unseen values get NaN, which every split routes right.
    this.codeMaps = this.keys.map((k) => {
      if (k.code !== 'label') return null;
      const values = Object.keys(profile.stats[k.name] ?? {}).sort();
      return new Map(values.map((val, i) => [val, i]));
    });
  }

  get featureNames(): string[] {
    return this.profile.featureNames;
  }

  get nFeatures(): number {
    return this.profile.featureNames.length;
  }

  static fromProfile(profile: FeatureProfile): FeatureSpace {
    if (profile?.version !== 1) throw new RangeError('unsupported feature profile version');
    return new FeatureSpace(profile);
  }

  /** Fits the profile on labelled training declarations (rows with illicit = null are left out of rates). */
  static fit(train: Declaration[], options: Partial<FeatureOptions> = {}): FeatureSpace {
    const o = { ...DEFAULT_FEATURE_OPTIONS, ...options };
    const labelled = train.filter((d) => d.illicit !== null);
    if (labelled.length === 0) throw new RangeError('no labelled training declarations');
    const frauds = labelled.reduce((s, d) => s + (d.illicit as number), 0);
    const prior = frauds / labelled.length;
    const stats: FeatureProfile['stats'] = {};
    for (const k of keysFor(new Set(o.groups))) {
      const rec: Record<string, [number, number]> = {};
      for (const d of labelled) {
        const key = k.of(d) ?? NONE;
        let c = rec[key];
        if (!c) {
          c = [0, 0];
          rec[key] = c;
        }
        c[0]++;
        c[1] += d.illicit as number;
      }
      stats[k.name] = rec;
    }
    const medians = {} as FeatureProfile['medians'];
    for (const unit of ['kg', 'item'] as const) {
      const by: Record<'hs6' | 'hs4' | 'hs2', Map<string, number[]>> = {
        hs6: new Map(),
        hs4: new Map(),
        hs2: new Map(),
      };
      const all: number[] = [];
      for (const d of train) {
        const u = unitValues(d)[unit];
        if (Number.isNaN(u)) continue;
        all.push(u);
        for (const [lvl, digits] of [
          ['hs6', 6],
          ['hs4', 4],
          ['hs2', 2],
        ] as const) {
          const code = hs(d, digits);
          if (!code) continue;
          const list = by[lvl].get(code);
          if (list) list.push(u);
          else by[lvl].set(code, [u]);
        }
      }
      const pick = (m: Map<string, number[]>): Record<string, number> => {
        const out: Record<string, number> = {};
        // Fewer than 3 observations is no reference; fall back to the coarser level.
        for (const [code, list] of m) if (list.length >= 3) out[code] = median(list);
        return out;
      };
      medians[unit] = {
        hs6: pick(by.hs6),
        hs4: pick(by.hs4),
        hs2: pick(by.hs2),
        all: all.length ? median(all) : Number.NaN,
      };
    }
    const marketPrices: Record<string, number> = {};
    if (o.prices?.length) {
      const by = new Map<string, number[]>();
      for (const p of o.prices) {
        if (!(p.unitPrice > 0)) continue;
        const code = p.hsCode.replace(/\D/g, '').slice(0, 6);
        const key = `${code}|${p.unit}`;
        const list = by.get(key);
        if (list) list.push(p.unitPrice);
        else by.set(key, [p.unitPrice]);
      }
      for (const [k, list] of by) marketPrices[k] = median(list);
    }
    let revenueRatio: FeatureProfile['revenueRatio'] = null;
    const withRevenue = labelled.filter(
      (d) => d.illicit === 1 && d.revenue !== null && d.cifValue !== null && d.cifValue > 0,
    );
    if (withRevenue.length > 0 && labelled.some((d) => d.revenue !== null && d.revenue > 0)) {
      const ratios = withRevenue.map((d) => (d.revenue as number) / (d.cifValue as number));
      const all = ratios.reduce((s, r) => s + r, 0) / ratios.length;
      const sums = new Map<string, [number, number]>();
      withRevenue.forEach((d, i) => {
        const code = hs(d, 6) ?? NONE;
        const c = sums.get(code) ?? [0, 0];
        c[0]++;
        c[1] += ratios[i];
        sums.set(code, c);
      });
      const hs6: Record<string, number> = {};
      for (const [code, [n, s]] of sums) hs6[code] = (s + o.smoothing * all) / (n + o.smoothing);
      revenueRatio = { hs6, all };
    }
    const dates = labelled.map((d) => d.date).sort();
    const profile: FeatureProfile = {
      version: 1,
      groups: [...o.groups],
      featureNames: featureNamesFor(o.groups),
      prior,
      smoothing: o.smoothing,
      stats,
      medians,
      marketPrices,
      revenueRatio,
      trainRows: labelled.length,
      dateRange: [dates[0], dates[dates.length - 1]],
    };
    return new FeatureSpace(profile);
  }

  /** Row-major features (rows × nFeatures) for declarations of the scoring period. */
  transform(decls: readonly Declaration[]): Float64Array {
    const out = new Float64Array(decls.length * this.nFeatures);
    const lookups = this.keys.map((k) => this.counts.get(k.name) as Counts);
    decls.forEach((d, i) => {
      this.writeRow(d, out, i * this.nFeatures, (ki, key) => lookups[ki].get(key));
    });
    return out;
  }

  /**
   * Row-major features for the training declarations themselves. Their risk encodings never include
   * their own label: out-of-fold (other folds' counts) or, with 'past', only strictly earlier dates.
   */
  transformTraining(train: readonly Declaration[], options: Partial<FeatureOptions> = {}): Float64Array {
    const o = { ...DEFAULT_FEATURE_OPTIONS, ...options };
    const out = new Float64Array(train.length * this.nFeatures);
    const F = this.nFeatures;
    if (o.trainingEncoding === 'past') {
      const order = Array.from(train.keys()).sort((a, b) =>
        train[a].date < train[b].date ? -1 : train[a].date > train[b].date ? 1 : 0,
      );
      const running = this.keys.map(() => new Map<string, [number, number]>());
      let i = 0;
      while (i < order.length) {
        let j = i;
        while (j < order.length && train[order[j]].date === train[order[i]].date) j++;
        for (let t = i; t < j; t++) {
          const r = order[t];
          this.writeRow(train[r], out, r * F, (ki, key) => running[ki].get(key));
        }
        for (let t = i; t < j; t++) this.addCounts(running, train[order[t]], 1);
        i = j;
      }
      return out;
    }
    const rand = mulberry32(o.seed);
    const fold = Uint8Array.from(train, () => Math.floor(rand() * o.folds));
    const perFold = Array.from({ length: o.folds }, () =>
      this.keys.map(() => new Map<string, [number, number]>()),
    );
    train.forEach((d, r) => {
      this.addCounts(perFold[fold[r]], d, 1);
    });
    const totals = this.keys.map((k) => this.counts.get(k.name) as Counts);
    const tmp: [number, number] = [0, 0];
    train.forEach((d, r) => {
      const mine = perFold[fold[r]];
      this.writeRow(d, out, r * F, (ki, key) => {
        const all = totals[ki].get(key);
        if (!all) return undefined;
        const own = mine[ki].get(key);
        tmp[0] = all[0] - (own ? own[0] : 0);
        tmp[1] = all[1] - (own ? own[1] : 0);
        return tmp;
      });
    });
    return out;
  }

  private addCounts(maps: Counts[], d: Declaration, sign: number): void {
    if (d.illicit === null) return;
    this.keys.forEach((k, ki) => {
      const key = k.of(d) ?? NONE;
      const m = maps[ki];
      const c = m.get(key);
      if (c) {
        c[0] += sign;
        c[1] += sign * (d.illicit as number);
      } else m.set(key, [sign, sign * (d.illicit as number)]);
    });
  }

  private writeRow(
    d: Declaration,
    out: Float64Array,
    off: number,
    lookup: (keyIndex: number, key: string) => [number, number] | undefined,
  ): void {
    const { prior, smoothing: m } = this.profile;
    const on = this.on;
    const keys = this.keys;
    const K = keys.length;
    const cnt = this.cnt;
    const frd = this.frd;
    const values = this.keyValues;
    // Each key's value and history, computed once per row (this runs for every declaration scored).
    for (let ki = 0; ki < K; ki++) {
      const key = keys[ki].of(d) ?? NONE;
      values[ki] = key;
      const c = lookup(ki, key);
      cnt[ki] = c ? c[0] : 0;
      frd[ki] = c ? c[1] : 0;
    }
    let j = off;
    for (let ki = 0; ki < K; ki++)
      if (this.rateOn[ki]) out[j++] = cnt[ki] > 0 ? (frd[ki] + m * prior) / (cnt[ki] + m) : prior;
    if (on.has('codes'))
      for (let ki = 0; ki < K; ki++) {
        const kind = keys[ki].code;
        if (kind === 'numeric') out[j++] = values[ki] === NONE ? Number.NaN : Number(values[ki]);
        else if (kind === 'label') out[j++] = this.codeMaps[ki]?.get(values[ki]) ?? Number.NaN;
      }
    if (on.has('firstSeen'))
      for (let ki = 0; ki < K; ki++) if (keys[ki].firstSeen) out[j++] = cnt[ki] > 0 ? 0 : 1;
    if (on.has('volume'))
      for (let ki = 0; ki < K; ki++)
        if (this.rateOn[ki] || keys[ki].group === 'entityRisk') out[j++] = Math.log1p(cnt[ki]);
    if (on.has('values')) {
      out[j++] = v(d.cifValue);
      out[j++] = d.cifValue !== null && d.cifValue >= 0 ? Math.log1p(d.cifValue) : Number.NaN;
      out[j++] = v(d.fobValue);
      out[j++] = d.fobValue !== null && d.cifValue ? d.fobValue / d.cifValue : Number.NaN;
      out[j++] = d.weightKg !== null && d.weightKg >= 0 ? Math.log1p(d.weightKg) : Number.NaN;
      out[j++] = d.quantity !== null && d.quantity >= 0 ? Math.log1p(d.quantity) : Number.NaN;
    }
    const u = unitValues(d);
    if (on.has('unitValues')) {
      out[j++] = u.kg;
      out[j++] = u.item;
      out[j++] = u.kg - hierarchicalMedian(this.profile.medians.kg, d);
      out[j++] = u.item - hierarchicalMedian(this.profile.medians.item, d);
    }
    if (on.has('tax')) {
      out[j++] = v(d.taxRate);
      out[j++] = d.totalTaxes !== null && d.cifValue ? d.totalTaxes / d.cifValue : Number.NaN;
    }
    if (on.has('calendar')) {
      const t = Date.parse(`${d.date}T00:00:00Z`);
      if (Number.isNaN(t)) {
        out[j++] = Number.NaN;
        out[j++] = Number.NaN;
        out[j++] = Number.NaN;
      } else {
        const date = new Date(t);
        out[j++] = date.getUTCMonth() + 1;
        out[j++] = date.getUTCDay();
        out[j++] = date.getUTCDate();
      }
    }
    if (on.has('marketPrice')) {
      const code = hs(d, 6);
      const kg = code ? this.profile.marketPrices[`${code}|kg`] : undefined;
      const item = code ? this.profile.marketPrices[`${code}|item`] : undefined;
      out[j++] = kg ? u.kg - Math.log(kg) : item ? u.item - Math.log(item) : Number.NaN;
    }
  }

  /** Predicted recovered revenue if the declaration is fraudulent; null when training had no revenue labels. */
  predictedRevenue(d: Declaration): number | null {
    const r = this.profile.revenueRatio;
    if (!r || d.cifValue === null) return null;
    const code = hs(d, 6) ?? NONE;
    return d.cifValue * (r.hs6[code] ?? r.all);
  }
}
