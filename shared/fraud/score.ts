import { z } from 'zod';
import type { Declaration } from '../declarations/canonical.ts';
import { probabilityFromVotes } from './forest/flat-forest.ts';
import { FraudScorer, rankBand } from './model.ts';

/** Bad scoring input: the caller answers 400 with `message` (and `issues` for detail). */
export class FraudInputError extends Error {
  readonly status = 400;
  readonly issues: string[];
  constructor(message: string, issues: string[] = []) {
    super(message);
    this.name = 'FraudInputError';
    this.issues = issues;
  }
}

export const MAX_DECLARATIONS_PER_REQUEST = 1000;

const amount = z
  .number()
  .refine((v) => Number.isFinite(v), 'must be a finite number')
  .refine((v) => v >= 0, 'must not be negative')
  .nullish()
  .transform((v) => v ?? null);
const text = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((v) => (v === null || v === undefined || v === '' ? null : String(v)));

/**
 * One declaration as member systems send it: the canonical Declaration fields; only declarationId,
 * date and hsCode are required, unknown fields are ignored, and unseen categories are fine (they get
 * the training-period fallbacks).
 */
export const ScoreDeclarationSchema = z.object({
  declarationId: z.union([z.string().min(1), z.number()]).transform(String),
  itemNumber: z
    .number()
    .int()
    .positive()
    .nullish()
    .transform((v) => v ?? 1),
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
    .refine((d) => {
      const t = Date.parse(`${d}T00:00:00Z`);
      // Round-trip: Date.parse rolls 2021-02-30 over to March instead of failing.
      return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === d;
    }, 'must be a real date'),
  hsCode: z
    .union([z.string(), z.number()])
    .transform(String)
    .pipe(z.string().regex(/^\d{6,12}$/, 'must be 6 to 12 digits')),
  officeId: text,
  importerId: text,
  declarantId: text,
  sellerId: text,
  courierId: text,
  originCountry: text,
  departureCountry: text,
  quantity: amount,
  weightKg: amount,
  fobValue: amount,
  cifValue: amount,
  taxRate: amount,
  totalTaxes: amount,
  processType: text,
  importType: text,
  importUse: text,
  paymentType: text,
  transportMode: text,
  taxType: text,
  originIndicator: text,
});

export interface TopFactor {
  /** Feature name (docs/fraud.md lists them). */
  feature: string;
  /** The declaration's value of the feature (null when missing). */
  value: number | null;
  /** How much the feature moved P(fraud) along the trees' paths (Saabas contribution; sums with the base to the soft score). */
  contribution: number;
}

export interface FraudScore {
  declarationId: string;
  itemNumber: number;
  /** P(fraud), 0..1: the share of the forest's trees voting fraud (ml-random-forest predictProbability). */
  score: number;
  /** Inspection band from the training period's out-of-bag scores: 'top-1%', 'top-2%', 'top-5%', 'top-10%' or 'rest'. */
  rankBand: string;
  /** The features that raised (positive) or lowered (negative) the score most, largest |contribution| first. */
  topFactors: TopFactor[];
  /** Expected recovered revenue (P(fraud) × predicted revenue) where the model was trained with revenue labels. */
  expectedRevenue: number | null;
}

const TEXT_FIELDS = [
  'officeId',
  'importerId',
  'declarantId',
  'sellerId',
  'courierId',
  'originCountry',
  'departureCountry',
] as const;
const AMOUNT_FIELDS = ['quantity', 'weightKg', 'fobValue', 'cifValue', 'taxRate', 'totalTaxes'] as const;
const TRAILING_TEXT_FIELDS = [
  'processType',
  'importType',
  'importUse',
  'paymentType',
  'transportMode',
  'taxType',
  'originIndicator',
] as const;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const HS_CODE = /^\d{6,12}$/;

/** ScoreDeclarationSchema's `text`, or undefined when zod would reject the value. */
function fastText(v: unknown): string | null | undefined {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/**
 * The fast path of parseScoreRequest: the same result as ScoreDeclarationSchema for a declaration it
 * accepts, or null for anything else (then the zod schema parses the row and words the errors, so the
 * messages stay zod's). Why hand-written: zod's per-row parse (25 fields, refinements, transforms) cost
 * about 4 ms per 100 declarations, the largest part of a POST /v1/fraud/score request, and this check is
 * a few microseconds. test/unit/fraud/score-validation.test.ts checks that both agree.
 */
export function parseValidDeclaration(raw: unknown): Declaration | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const r = raw as Record<string, unknown>;
  const id = r.declarationId;
  let declarationId: string;
  if (typeof id === 'string' && id.length > 0) declarationId = id;
  else if (typeof id === 'number' && Number.isFinite(id)) declarationId = String(id);
  else return null;
  const item = r.itemNumber;
  let itemNumber: number;
  if (item === null || item === undefined) itemNumber = 1;
  else if (typeof item === 'number' && Number.isSafeInteger(item) && item > 0) itemNumber = item;
  else return null;
  const date = r.date;
  if (typeof date !== 'string' || !DATE.test(date)) return null;
  const t = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== date) return null;
  const hsRaw = r.hsCode;
  let hsCode: string;
  if (typeof hsRaw === 'string') hsCode = hsRaw;
  else if (typeof hsRaw === 'number' && Number.isFinite(hsRaw)) hsCode = String(hsRaw);
  else return null;
  if (!HS_CODE.test(hsCode)) return null;
  const out: Record<string, unknown> = { declarationId, itemNumber, date, hsCode };
  for (const k of TEXT_FIELDS) {
    const v = fastText(r[k]);
    if (v === undefined) return null;
    out[k] = v;
  }
  for (const k of AMOUNT_FIELDS) {
    const v = r[k];
    if (v === null || v === undefined) out[k] = null;
    else if (typeof v === 'number' && Number.isFinite(v) && v >= 0) out[k] = v;
    else return null;
  }
  for (const k of TRAILING_TEXT_FIELDS) {
    const v = fastText(r[k]);
    if (v === undefined) return null;
    out[k] = v;
  }
  out.illicit = null;
  out.revenue = null;
  return out as unknown as Declaration;
}

/** Validates a request body: an array of declarations, or { declarations: [...] }, 1..1000 of them. */
export function parseScoreRequest(body: unknown): Declaration[] {
  const list = Array.isArray(body) ? body : (body as { declarations?: unknown } | null)?.declarations;
  if (!Array.isArray(list))
    throw new FraudInputError('expected a JSON array of declarations or { "declarations": [...] }');
  if (list.length === 0) throw new FraudInputError('no declarations to score (send 1 to 1000)');
  if (list.length > MAX_DECLARATIONS_PER_REQUEST)
    throw new FraudInputError(
      `too many declarations: ${list.length} (at most ${MAX_DECLARATIONS_PER_REQUEST} per request)`,
    );
  const issues: string[] = [];
  const out: Declaration[] = [];
  list.forEach((raw, i) => {
    const fast = parseValidDeclaration(raw);
    if (fast) {
      out.push(fast);
      return;
    }
    const r = ScoreDeclarationSchema.safeParse(raw);
    if (!r.success) {
      for (const issue of r.error.issues)
        if (issues.length < 20)
          issues.push(`declarations[${i}].${issue.path.join('.') || '(item)'}: ${issue.message}`);
      return;
    }
    out.push({ ...r.data, illicit: null, revenue: null });
  });
  if (issues.length)
    throw new FraudInputError(
      `invalid declarations: ${issues.slice(0, 3).join('; ')}${issues.length > 3 ? ` (and more)` : ''}`,
      issues,
    );
  return out;
}

/**
 * Scores 1..1000 declarations (the body of POST /v1/fraud/score) with a loaded model:
 * for each, P(fraud), its rank band and the top factors behind it.
 * @throws FraudInputError (status 400) on invalid input.
 */
export function scoreDeclarations(
  scorer: FraudScorer,
  body: unknown,
  options: { topFactors?: number } = {},
): FraudScore[] {
  const decls = parseScoreRequest(body);
  const top = Math.max(0, Math.min(options.topFactors ?? 5, 20));
  const x = scorer.features(decls);
  const F = scorer.space.nFeatures;
  const names = scorer.space.featureNames;
  const bands = scorer.model.bands;
  const forest = scorer.forest;
  // One contributions buffer and one top-k list for the whole request (no per-row arrays), and one
  // walk per tree and row for both the score and its explanation.
  const contributions = new Float64Array(forest.nFeatures);
  const votes = new Float64Array(2);
  const order = new Int32Array(top);
  return decls.map((d, i) => {
    forest.explainInto(x, i * F, contributions, votes);
    const score = probabilityFromVotes(votes[0], votes[1], forest.nTrees);
    const k = topByMagnitude(contributions, order);
    const topFactors: TopFactor[] = new Array(k);
    for (let j = 0; j < k; j++) {
      const f = order[j];
      const value = x[i * F + f];
      topFactors[j] = {
        feature: names[f],
        value: Number.isNaN(value) ? null : value,
        contribution: contributions[f],
      };
    }
    const predicted = scorer.space.predictedRevenue(d);
    return {
      declarationId: d.declarationId,
      itemNumber: d.itemNumber,
      score,
      rankBand: rankBand(score, bands),
      topFactors,
      expectedRevenue: predicted === null ? null : score * predicted,
    };
  });
}

/**
 * The indexes of the order.length largest non-zero |c[f]|, largest first, ties in index order (what a
 * stable sort by |c| descending then slice gives), by insertion into a short list. Returns how many.
 */
function topByMagnitude(c: Float64Array, order: Int32Array): number {
  const cap = order.length;
  let n = 0;
  for (let f = 0; f < c.length; f++) {
    const m = Math.abs(c[f]);
    if (m === 0) continue;
    if (n === cap && Math.abs(c[order[n - 1]]) >= m) continue;
    let j = n < cap ? n++ : n - 1;
    while (j > 0 && Math.abs(c[order[j - 1]]) < m) {
      order[j] = order[j - 1];
      j--;
    }
    order[j] = f;
  }
  return n;
}

export { FraudScorer };
