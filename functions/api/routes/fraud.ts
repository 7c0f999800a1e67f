import { z } from 'zod';
import { authoriseAdministration } from '../../../shared/access/authorise.ts';
import { readJson } from '../../../shared/access/json-store.ts';
import { listResults } from '../../../shared/access/results.ts';
import { ModelNotFoundError } from '../../../shared/fraud/model-store.ts';
import {
  FraudInputError,
  MAX_DECLARATIONS_PER_REQUEST,
  ScoreDeclarationSchema,
  scoreDeclarations,
} from '../../../shared/fraud/score.ts';
import { ApiError, badRequest, notFound } from '../../../shared/http/api-error.ts';
import { defineRoute } from '../../../shared/http/route.ts';
import type { ApiDeps } from '../deps.ts';
import { administrationCode, resultId, who } from './common.ts';
import { currentVersion, listVersions, readManifest, readMetrics, scorerFor } from './fraud-models.ts';

/** One declaration of the example request: the fields the issue's WCO layout carries. */
const EXAMPLE_DECLARATION = {
  declarationId: 'SGD1001',
  itemNumber: 1,
  date: '2013-06-14',
  hsCode: '870323',
  officeId: 'OFF01',
  importerId: 'IMP0042',
  declarantId: 'DEC007',
  originCountry: 'JP',
  quantity: 1,
  weightKg: 1450,
  fobValue: 9800,
  cifValue: 10400,
  totalTaxes: 3120,
};

/** The declaration schema as OpenAPI shows it (what a client sends, before the domain's transforms). */
function declarationJsonSchema(): Record<string, unknown> {
  const { $schema: _, ...schema } = z.toJSONSchema(ScoreDeclarationSchema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-2020-12',
  }) as Record<string, unknown>;
  return schema;
}

/**
 * Declarations are validated by the fraud domain (parseScoreRequest), whose messages name the declaration
 * and field ("declarations[3].cifValue: must not be negative"); the schema here documents them in OpenAPI
 * and checks the envelope. The count is checked in the handler, so over-limit requests get 413 with a clear
 * code instead of a generic validation error.
 */
const scoreBody = z.object({
  administration: administrationCode.optional(),
  declarations: z.array(z.unknown()).meta({
    description: `1 to ${MAX_DECLARATIONS_PER_REQUEST} declarations in the canonical declaration schema: declarationId, date (YYYY-MM-DD) and hsCode (6-12 digits) are required; amounts (quantity, weightKg, fobValue, cifValue, taxRate, totalTaxes) must be finite and non-negative; unknown fields are ignored and unseen codes are scored with the training-period fallbacks`,
    items: declarationJsonSchema(),
  }),
  /** How many top factors to return per declaration (default 5). */
  topFactors: z.number().int().min(0).max(20).optional(),
});

const factor = z.object({ feature: z.string(), value: z.number().nullable(), contribution: z.number() });
const scoreResponse = z.object({
  administration: z.string(),
  modelVersion: z.string(),
  scores: z.array(
    z.object({
      declarationId: z.string(),
      itemNumber: z.number(),
      score: z.number(),
      'rank-band': z.string(),
      'top-factors': z.array(factor),
      expectedRevenue: z.number().nullable(),
    }),
  ),
});

/** "No model yet" is a state of the administration, not a client mistake: 409 with a code clients can test. */
const noModel = (admin: string) =>
  new ApiError(
    409,
    'no_model',
    `administration ${admin} has no promoted fraud model yet: train one (bacuda fraud train or the weekly pipeline) and promote it (bacuda fraud promote)`,
  );

export const fraudScoreRoute = defineRoute({
  method: 'POST',
  path: '/v1/fraud/score',
  summary: `Score 1-${MAX_DECLARATIONS_PER_REQUEST} declarations with the administration's current fraud model: score, rank band, top factors`,
  tags: ['fraud'],
  auth: { roles: ['official', 'member-system'], scopes: ['fraud/score'] },
  body: scoreBody,
  response: scoreResponse,
  example: { body: { administration: 'XAA', declarations: [EXAMPLE_DECLARATION] } },
  async handler(req, deps: ApiDeps) {
    const administration = req.body.administration ?? who(req).administration;
    if (!administration) throw badRequest('name an administration');
    await authoriseAdministration(req, administration, deps, 'score', { resource: req.path });
    const n = req.body.declarations.length;
    if (n > MAX_DECLARATIONS_PER_REQUEST)
      throw new ApiError(
        413,
        'too_many_declarations',
        `too many declarations: ${n} (at most ${MAX_DECLARATIONS_PER_REQUEST} per request; split the batch)`,
        { max: MAX_DECLARATIONS_PER_REQUEST, got: n },
      );
    if (n === 0) throw badRequest(`no declarations to score (send 1 to ${MAX_DECLARATIONS_PER_REQUEST})`);
    const version = await currentVersion(deps.store, administration);
    if (!version) throw noModel(administration);
    let scorer: Awaited<ReturnType<typeof scorerFor>>;
    try {
      scorer = await scorerFor(deps.store, administration, version);
    } catch (err) {
      if (err instanceof ModelNotFoundError)
        throw new ApiError(
          409,
          'no_model',
          `the current fraud model of ${administration} cannot be read: ${err.message}`,
        );
      throw err;
    }
    let scored: ReturnType<typeof scoreDeclarations>;
    try {
      scored = scoreDeclarations(scorer, req.body.declarations, { topFactors: req.body.topFactors });
    } catch (err) {
      if (err instanceof FraudInputError) throw badRequest(err.message, err.issues);
      throw err;
    }
    return {
      status: 200,
      body: {
        administration,
        modelVersion: version,
        scores: scored.map((s) => ({
          declarationId: s.declarationId,
          itemNumber: s.itemNumber,
          score: s.score,
          'rank-band': s.rankBand,
          'top-factors': s.topFactors,
          expectedRevenue: s.expectedRevenue,
        })),
      },
    };
  },
});

/** The administration a read route is about: named, or the caller's own; read access is checked (and audited). */
async function readAdministration(
  req: Parameters<typeof who>[0] & { query: { administration?: string }; path: string },
  deps: ApiDeps,
): Promise<string> {
  const administration = req.query.administration ?? who(req).administration;
  if (!administration) throw notFound('name an administration');
  await authoriseAdministration(req, administration, deps, 'read', { resource: req.path });
  return administration;
}

const atK = z.record(z.string(), z.number().nullable());

export const fraudModelsRoute = defineRoute({
  method: 'GET',
  path: '/v1/fraud/models',
  summary:
    "The administration's fraud model versions with their holdout metrics and importances; which is current",
  tags: ['fraud'],
  auth: { roles: ['official', 'analyst', 'member-system'], scopes: ['results/read'] },
  query: z.object({ administration: administrationCode.optional() }),
  response: z.object({
    administration: z.string(),
    current: z.string().nullable(),
    versions: z.array(
      z.object({
        version: z.string(),
        current: z.boolean(),
        trainedAt: z.string().nullable(),
        trainRows: z.number().nullable(),
        featureGroups: z.array(z.string()).nullable(),
        /** Time-ordered holdout: precision@k, recall@k, revenue@k (k = 1, 2, 5, 10 %), rocAuc, prAuc. */
        holdout: atK.nullable(),
        importances: z.record(z.string(), z.number()).nullable(),
        bands: z.array(z.object({ band: z.string(), kPercent: z.number(), minScore: z.number() })).nullable(),
      }),
    ),
  }),
  example: { query: { administration: 'XAA' } },
  async handler(req, deps: ApiDeps) {
    const administration = await readAdministration(req, deps);
    const [versions, current] = await Promise.all([
      listVersions(deps.store, administration),
      currentVersion(deps.store, administration),
    ]);
    const items = await Promise.all(
      versions
        .slice()
        .reverse()
        .slice(0, 50)
        .map(async (version) => {
          const [metrics, manifest] = await Promise.all([
            readMetrics(deps.store, administration, version),
            readManifest(deps.store, administration, version),
          ]);
          let importances = (metrics?.importances as Record<string, number> | undefined) ?? null;
          let bands =
            (metrics?.bands as { band: string; kPercent: number; minScore: number }[] | undefined) ?? null;
          let trainedAt = (manifest?.trainedAt as string | undefined) ?? null;
          let trainRows = (manifest?.trainRows as number | undefined) ?? null;
          let featureGroups = (manifest?.featureGroups as string[] | undefined) ?? null;
          // A pipeline-trained version keeps all of this inside model.json only: read it for the current one
          // (the scorer cache holds it anyway), not for every old version.
          if (!metrics && version === current) {
            const m = (await scorerFor(deps.store, administration, version)).model;
            importances = m.importances;
            bands = m.bands;
            trainedAt = m.trainedAt;
            trainRows = m.profile.trainRows ?? null;
            featureGroups = (m.profile.groups as string[] | undefined) ?? null;
          }
          return {
            version,
            current: version === current,
            trainedAt,
            trainRows,
            featureGroups,
            holdout: holdoutOf(metrics),
            importances,
            bands,
          };
        }),
    );
    return { status: 200, body: { administration, current, versions: items } };
  },
});

/** The numeric holdout metrics (precision@k, recall@k, revenue@k, AUCs, sizes) of a metrics.json. */
function holdoutOf(metrics: Record<string, unknown> | null): Record<string, number | null> | null {
  const h = metrics?.holdout as Record<string, unknown> | undefined;
  if (!h || typeof h !== 'object') return null;
  const out: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(h))
    if (typeof v === 'number' || v === null) out[k] = v as number | null;
  return Object.keys(out).length ? out : null;
}

const selectionItem = z.object({
  partition: z.string().nullable(),
  rank: z.number(),
  declarationId: z.string(),
  itemNumber: z.number(),
  date: z.string().nullable(),
  score: z.number(),
  priority: z.number(),
  reason: z.string().nullable(),
});

/** What the pipeline (<YYYY-MM>_selection.json) and the CLI batch (selection.json) write. */
interface PipelineSelection {
  model?: string;
  percent?: number;
  rows?: {
    rank: number;
    declarationId: string;
    itemNumber: number;
    date?: string;
    probability: number;
    priority: number;
  }[];
}
interface BatchSelection {
  modelVersion?: string;
  kPercent?: number;
  selected?: {
    rank: number;
    declarationId: string;
    itemNumber: number;
    score: number;
    priority: number;
    selected?: string;
  }[];
}

export const fraudSelectionsRoute = defineRoute({
  method: 'GET',
  path: '/v1/fraud/selections',
  summary: 'The inspection selection list of the latest (or a named) batch fraud run, highest priority first',
  tags: ['fraud'],
  auth: { roles: ['official', 'analyst', 'member-system'], scopes: ['results/read'] },
  query: z.object({
    administration: administrationCode.optional(),
    run: resultId.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(200),
  }),
  response: z.object({
    administration: z.string(),
    runId: z.string(),
    status: z.string(),
    createdAt: z.string(),
    kPercent: z.number().nullable(),
    model: z.string().nullable(),
    total: z.number(),
    items: z.array(selectionItem),
  }),
  example: { query: { administration: 'XAA' } },
  async handler(req, deps: ApiDeps) {
    const administration = await readAdministration(req, deps);
    const results = (await listResults(deps.store, administration, { series: 'fraud' })).filter(
      (r) =>
        (!req.query.run || r.id === req.query.run) && r.files.some((f) => /(^|_)selection\.json$/.test(f)),
    );
    const latest = results[0];
    if (!latest)
      throw notFound(
        req.query.run
          ? `no fraud selection in run ${req.query.run} of ${administration}`
          : `no fraud selection for ${administration} yet`,
      );
    const files = latest.files.filter((f) => /(^|_)selection\.json$/.test(f)).sort();
    let kPercent: number | null = null;
    let model: string | null = null;
    const items: z.infer<typeof selectionItem>[] = [];
    for (const file of files) {
      const doc = await readJson<PipelineSelection & BatchSelection>(
        deps.store,
        `results/${administration}/fraud/${latest.id}/${file}`,
      );
      if (!doc) continue;
      const partition = file === 'selection.json' ? null : file.replace(/_selection\.json$/, '');
      kPercent ??= doc.percent ?? doc.kPercent ?? null;
      model ??= doc.model ?? doc.modelVersion ?? null;
      for (const r of doc.rows ?? [])
        items.push({
          partition,
          rank: r.rank,
          declarationId: String(r.declarationId),
          itemNumber: r.itemNumber,
          date: r.date ?? null,
          score: r.probability,
          priority: r.priority,
          reason: null,
        });
      for (const r of doc.selected ?? [])
        items.push({
          partition,
          rank: r.rank,
          declarationId: String(r.declarationId),
          itemNumber: r.itemNumber,
          date: null,
          score: r.score,
          priority: r.priority,
          reason: r.selected || null,
        });
    }
    // Partitions are ranked separately; across them, the priority (expected revenue or P(fraud)) orders the list.
    items.sort((a, b) => b.priority - a.priority || b.score - a.score || a.rank - b.rank);
    return {
      status: 200,
      body: {
        administration,
        runId: latest.id,
        status: latest.status,
        createdAt: latest.createdAt,
        kPercent,
        model,
        total: items.length,
        items: items.slice(0, req.query.limit),
      },
    };
  },
});

export const fraudRoutes = [fraudScoreRoute, fraudModelsRoute, fraudSelectionsRoute];
