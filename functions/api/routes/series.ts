import { z } from 'zod';
import { SERIES } from '../../../shared/access/series.ts';
import { notFound } from '../../../shared/http/api-error.ts';
import { defineRoute } from '../../../shared/http/route.ts';
import type { ApiDeps } from '../deps.ts';
import { seriesId, who } from './common.ts';
import { resultSchema, visibleResults } from './results.ts';

const LATEST = 20;

const seriesSchema = z.object({
  id: seriesId,
  name: z.string(),
  objective: z.string(),
  method: z.string(),
  outputs: z.string(),
  results: z.array(resultSchema),
});

export const seriesCatalogueRoute = defineRoute({
  method: 'GET',
  path: '/v1/series',
  summary:
    'The Series catalogue: the five Series, how each works in plain language, and the latest results the caller may see',
  tags: ['series'],
  auth: { roles: ['official', 'analyst', 'wco-admin', 'member-system'], scopes: ['results/read'] },
  response: z.object({ items: z.array(seriesSchema) }),
  async handler(req, deps: ApiDeps) {
    const visible = await visibleResults(who(req), deps, {});
    const items = SERIES.map((s) => ({
      ...s,
      results: visible.filter((r) => r.series === s.id).slice(0, LATEST),
    }));
    return { status: 200, body: { items } };
  },
});

export const seriesEntryRoute = defineRoute({
  method: 'GET',
  path: '/v1/series/{series}',
  summary: 'One Series of the catalogue with the latest results the caller may see',
  tags: ['series'],
  auth: { roles: ['official', 'analyst', 'wco-admin', 'member-system'], scopes: ['results/read'] },
  example: { params: { series: 'fraud' } },
  response: seriesSchema,
  async handler(req, deps: ApiDeps) {
    const s = SERIES.find((x) => x.id === req.params.series);
    if (!s) throw notFound('no such Series');
    const results = (await visibleResults(who(req), deps, { series: s.id })).slice(0, LATEST);
    return { status: 200, body: { ...s, results } };
  },
});

export const seriesRoutes = [seriesCatalogueRoute, seriesEntryRoute];
