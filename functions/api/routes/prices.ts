import { z } from 'zod';
import { authoriseAdministration } from '../../../shared/access/authorise.ts';
import { badRequest } from '../../../shared/http/api-error.ts';
import { defineRoute } from '../../../shared/http/route.ts';
import type { Row } from '../../../shared/ports/query-engine.ts';
import {
  type DeclaredItem,
  type MarketObservation,
  type PricesFlagsQuery,
  pricesFlagsQuerySchema,
  pricesFlagsResponse,
} from '../../../shared/prices/index.ts';
import { runNamedQuery } from '../../../shared/queries/index.ts';
import type { ApiDeps } from '../deps.ts';
import { administrationCode, who } from './common.ts';

const DEFAULT_WINDOW_DAYS = 365;

const marketSchema = z.object({
  matchedBy: z.enum(['productKey', 'hs6']),
  key: z.string(),
  n: z.number(),
  min: z.number(),
  lowQuantile: z.number(),
  q25: z.number(),
  median: z.number(),
  q75: z.number(),
  max: z.number(),
});

const flagSchema = z.object({
  declarationId: z.string(),
  itemNumber: z.number(),
  date: z.string(),
  hsCode: z.string(),
  productKey: z.string().nullable(),
  declaredUnitValue: z.number(),
  threshold: z.number(),
  ratio: z.number(),
  market: marketSchema,
  evidence: z.array(
    z.object({
      url: z.string(),
      date: z.string(),
      price: z.string(),
      currency: z.string().nullable(),
      convertedPrice: z.number(),
    }),
  ),
});

const num = (v: unknown): number | null => {
  if (v === null || v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
};
const str = (v: unknown): string | null => (v === null || v === undefined || v === '' ? null : String(v));

/** Lake rows (DuckDB gives numbers, Athena strings) → the cross-check's inputs. */
export function declaredItemOf(r: Row): DeclaredItem {
  return {
    declarationId: String(r.declarationId),
    itemNumber: num(r.itemNumber) ?? 1,
    date: String(r.date).slice(0, 10),
    hsCode: String(r.hsCode),
    quantity: num(r.quantity),
    cifValue: num(r.cifValue),
    fobValue: num(r.fobValue),
  };
}

export function marketObservationOf(r: Row): MarketObservation {
  return {
    date: String(r.date).slice(0, 10),
    url: String(r.url),
    price: String(r.price),
    currency: str(r.currency),
    convertedPrice: num(r.convertedPrice),
    productKey: str(r.productKey),
    hsCode: str(r.hsCode),
  };
}

const shiftDays = (iso: string, days: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * Loads what the cross-check needs through the named queries (administration-scoped, values bound): the
 * declaration items of the period whose HS6 has market observations, and the observations within the matching
 * window around the period. Observations are narrowed to the HS6 of the prefix, since items match by HS6.
 */
export async function loadCrossCheckInputs(deps: Pick<ApiDeps, 'query'>, admin: string, q: PricesFlagsQuery) {
  const window = q.windowDays ?? DEFAULT_WINDOW_DAYS;
  const declarationRows = await runNamedQuery(deps.query, 'declarations.price-matched', admin, {
    from: q.from,
    to: q.to,
    hsPrefix: q.hsPrefix,
  });
  const observationRows = await runNamedQuery(deps.query, 'prices.observations', admin, {
    from: q.from ? shiftDays(q.from, -window) : undefined,
    to: q.to ? shiftDays(q.to, window) : undefined,
    hsPrefix: q.hsPrefix?.slice(0, 6),
  });
  return {
    declarations: declarationRows.map(declaredItemOf),
    observations: observationRows.map(marketObservationOf),
  };
}

/**
 * GET /v1/prices/flags: declaration items whose declared unit value is implausibly far below the market prices
 * observed online (docs/prices.md, "Cross-check"), most extreme first, with the evidence (urls, prices, dates).
 */
export const pricesFlagsRoute = defineRoute({
  method: 'GET',
  path: '/v1/prices/flags',
  summary:
    'Valuation flags: declaration items whose unit value is far below the market prices observed online, with the evidence',
  tags: ['prices'],
  auth: { roles: ['official', 'analyst', 'member-system'], scopes: ['results/read'] },
  query: pricesFlagsQuerySchema.extend({ administration: administrationCode.optional() }),
  example: { query: { administration: 'XAA', from: '2024-01-01', to: '2024-12-31' } },
  response: z.object({
    administration: z.string(),
    settings: z.object({
      lowQuantile: z.number(),
      fraction: z.number(),
      minObservations: z.number(),
      windowDays: z.number(),
      valueField: z.enum(['cifValue', 'fobValue']),
      evidenceLimit: z.number(),
    }),
    declarations: z.number(),
    checked: z.number(),
    unmatched: z.number(),
    noUnitValue: z.number(),
    flagged: z.number(),
    flags: z.array(flagSchema),
  }),
  async handler(req, deps: ApiDeps) {
    const { administration, ...query } = req.query;
    const admin = administration ?? who(req).administration;
    if (!admin) throw badRequest('administration is required');
    await authoriseAdministration(req, admin, deps, 'read', { resource: req.path });
    if (query.from && query.to && query.from > query.to) throw badRequest('from must not be after to');
    const { declarations, observations } = await loadCrossCheckInputs(deps, admin, query);
    return {
      status: 200,
      body: { administration: admin, ...pricesFlagsResponse(declarations, observations, query) },
    };
  },
});

export const pricesRoutes = [pricesFlagsRoute];
