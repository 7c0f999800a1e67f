import { z } from 'zod';
import type { Declaration } from '../declarations/canonical.ts';
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
  const { probability } = scorer.forest.predictBoth(x, decls.length, F);
  const bands = scorer.model.bands;
  return decls.map((d, i) => {
    const { contributions } = scorer.forest.contributions(x, i * F);
    const order = Array.from(contributions.keys())
      .filter((f) => contributions[f] !== 0)
      .sort((a, b) => Math.abs(contributions[b]) - Math.abs(contributions[a]))
      .slice(0, top);
    const predicted = scorer.space.predictedRevenue(d);
    return {
      declarationId: d.declarationId,
      itemNumber: d.itemNumber,
      score: probability[i],
      rankBand: rankBand(probability[i], bands),
      topFactors: order.map((f) => ({
        feature: names[f],
        value: Number.isNaN(x[i * F + f]) ? null : x[i * F + f],
        contribution: contributions[f],
      })),
      expectedRevenue: predicted === null ? null : probability[i] * predicted,
    };
  });
}

export { FraudScorer };
