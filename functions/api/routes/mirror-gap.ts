import { z } from 'zod';
import { authoriseAdministration } from '../../../shared/access/authorise.ts';
import { gapResponse } from '../../../shared/gap/index.ts';
import { badRequest, notFound } from '../../../shared/http/api-error.ts';
import { defineRoute } from '../../../shared/http/route.ts';
import { mirrorResponse } from '../../../shared/mirror/index.ts';
import { InvalidFilterError } from '../../../shared/mirror/sql.ts';
import type { ApiDeps } from '../deps.ts';
import { administrationCode, who } from './common.ts';

/**
 * Query values are checked twice: shape here (so nothing odd reaches the domain, and OpenAPI documents
 * them), meaning in the mirror/gap domain (allow-listed sort columns, ranges), which binds filters as `?`.
 */
const code = z.string().regex(/^[A-Za-z0-9]{1,8}$/, 'a country code (ISO3 or numeric)');
const number = z.string().regex(/^\d{1,12}(\.\d{1,6})?$/, 'a non-negative number');
const filters = {
  administration: administrationCode.optional(),
  reporter: code.optional(),
  partner: code.optional(),
  product: z
    .string()
    .regex(/^\d{1,10}$/, 'an HS code or prefix (digits)')
    .optional(),
  period: z
    .string()
    .regex(/^\d{4}(\d{2})?$/, 'YYYY or YYYYMM')
    .optional(),
  cifFob: z.union([z.literal('estimate'), number]).optional(),
  defaultRate: number.optional(),
};

const mirrorQuery = z.object({
  ...filters,
  sort: z
    .string()
    .regex(/^[a-z_]{1,40}$/, 'a mirror column name')
    .optional(),
  order: z.enum(['asc', 'desc']).optional(),
  zThreshold: number.optional(),
  limit: z
    .string()
    .regex(/^\d{1,6}$/)
    .optional(),
  offset: z
    .string()
    .regex(/^\d{1,12}$/)
    .optional(),
  /** Import side: Comtrade, the administration's declarations, or declarations when Comtrade has none. */
  imports: z.enum(['comtrade', 'declarations', 'auto']).optional(),
  exchangeRate: number.optional(),
});

const gapQuery = z.object({
  ...filters,
  source: z.enum(['comtrade', 'declarations']).optional(),
  exchangeRate: number.optional(),
});

/** The administration whose lake data is read: named, or the caller's own. */
async function lakeAdministration(
  req: Parameters<typeof who>[0] & { query: { administration?: string }; path: string },
  deps: ApiDeps,
) {
  const administration = req.query.administration ?? who(req).administration;
  if (!administration) throw notFound('name an administration');
  await authoriseAdministration(req, administration, deps, 'read', { resource: req.path });
  return administration;
}

function withoutAdministration(q: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(q)) if (k !== 'administration' && v !== undefined) out[k] = v;
  return out;
}

async function domainCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof InvalidFilterError) throw badRequest(err.message);
    throw err;
  }
}

export const mirrorRoute = defineRoute({
  method: 'GET',
  path: '/v1/mirror',
  summary: "Mirror table over the administration's trade uploads: pairs, gaps, robust-z flags, duty loss",
  tags: ['mirror'],
  auth: { roles: ['official', 'analyst', 'member-system'], scopes: ['results/read'] },
  query: mirrorQuery,
  example: { query: { administration: 'XAA', limit: '20' } },
  async handler(req, deps: ApiDeps) {
    const administration = await lakeAdministration(req, deps);
    const body = await domainCall(() =>
      mirrorResponse(deps.query, withoutAdministration(req.query), {
        source: { kind: 'lake', administration },
      }),
    );
    return { status: 200, body };
  },
});

export const gapRoute = defineRoute({
  method: 'GET',
  path: '/v1/gap',
  summary: 'Revenue gap: potential vs collected revenue, split into valuation, volume and rate gaps',
  tags: ['gap'],
  auth: { roles: ['official', 'analyst', 'member-system'], scopes: ['results/read'] },
  query: gapQuery,
  example: { query: { administration: 'XAA' } },
  async handler(req, deps: ApiDeps) {
    const administration = await lakeAdministration(req, deps);
    const body = await domainCall(() =>
      gapResponse(deps.query, withoutAdministration(req.query), { source: { kind: 'lake', administration } }),
    );
    return { status: 200, body };
  },
});

export const mirrorGapRoutes = [mirrorRoute, gapRoute];
