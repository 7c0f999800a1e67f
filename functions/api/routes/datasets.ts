import { z } from 'zod';
import { authoriseAdministration } from '../../../shared/access/authorise.ts';
import { readJson } from '../../../shared/access/json-store.ts';
import { badRequest, notFound } from '../../../shared/http/api-error.ts';
import { pageOf, paginate, paginationQuery } from '../../../shared/http/pagination.ts';
import { defineRoute } from '../../../shared/http/route.ts';
import { DATASET_NAMES, DATASETS } from '../../../shared/ingest/datasets.ts';
import { NAMED_QUERIES, QueryInputError, runNamedQuery } from '../../../shared/queries/index.ts';
import type { ApiDeps } from '../deps.ts';
import { administrationCode, who } from './common.ts';

const READERS = {
  roles: ['official', 'analyst', 'member-system'] as const,
  scopes: ['results/read'] as const,
};

/** The administration a request is about: the query's, or the caller's own. */
function targetAdministration(
  req: { query: { administration?: string } },
  p: ReturnType<typeof who>,
): string {
  const admin = req.query.administration ?? p.administration;
  if (!admin) throw badRequest('administration is required');
  return admin;
}

interface ManifestView {
  status?: string;
  rowsAccepted?: number;
  rowsRejected?: number;
  finishedAt?: string;
  supersededBy?: string;
}

export const listDatasetsRoute = defineRoute({
  method: 'GET',
  path: '/v1/datasets',
  summary: "An administration's lake datasets: what each holds, uploads ingested, rows accepted and rejected",
  tags: ['data'],
  auth: { roles: [...READERS.roles], scopes: [...READERS.scopes] },
  query: z.object({ administration: administrationCode.optional() }),
  example: { query: { administration: 'XAA' } },
  response: z.object({
    administration: z.string(),
    items: z.array(
      z.object({
        name: z.string(),
        summary: z.string(),
        schemaVersion: z.number(),
        uploads: z.number(),
        rowsAccepted: z.number(),
        rowsRejected: z.number(),
        lastIngestedAt: z.string().nullable(),
      }),
    ),
  }),
  async handler(req, deps: ApiDeps) {
    const admin = targetAdministration(req, who(req));
    await authoriseAdministration(req, admin, deps, 'read', { resource: req.path });
    const items = [];
    for (const name of DATASET_NAMES) {
      let uploads = 0;
      let rowsAccepted = 0;
      let rowsRejected = 0;
      let last: string | null = null;
      for (const key of await deps.store.list(`manifests/${admin}/${name}/`)) {
        if (!key.endsWith('.json')) continue;
        const m = await readJson<ManifestView>(deps.store, key);
        if (m?.status !== 'ingested' || m.supersededBy) continue;
        uploads++;
        rowsAccepted += m.rowsAccepted ?? 0;
        rowsRejected += m.rowsRejected ?? 0;
        if (m.finishedAt && (!last || m.finishedAt > last)) last = m.finishedAt;
      }
      const def = DATASETS[name];
      items.push({
        name,
        summary: def.summary,
        schemaVersion: def.schemaVersion,
        uploads,
        rowsAccepted,
        rowsRejected,
        lastIngestedAt: last,
      });
    }
    return { status: 200, body: { administration: admin, items } };
  },
});

export const listQueriesRoute = defineRoute({
  method: 'GET',
  path: '/v1/queries',
  summary: 'The named queries (the only SQL the API runs), with their parameters',
  tags: ['data'],
  auth: { roles: [...READERS.roles], scopes: [...READERS.scopes] },
  response: z.object({
    items: z.array(
      z.object({ name: z.string(), summary: z.string(), table: z.string(), parameters: z.unknown() }),
    ),
  }),
  async handler() {
    const items = [...NAMED_QUERIES.values()].map((q) => {
      const schema = z.toJSONSchema(q.params, { io: 'input', unrepresentable: 'any' }) as Record<
        string,
        unknown
      >;
      delete schema.$schema;
      return { name: q.name, summary: q.summary, table: q.table, parameters: schema };
    });
    return { status: 200, body: { items } };
  },
});

/** Extra query-string parameters are passed to the named query; identifiers and numbers only. */
const queryParamValue = z
  .string()
  .max(64)
  .regex(/^[A-Za-z0-9_.:-]*$/, 'letters, digits, "_", "-", ".", ":"');

export const runQueryRoute = defineRoute({
  method: 'GET',
  path: '/v1/queries/{name}',
  summary:
    "Run a named query on an administration's data; other query-string parameters are the query's own (see GET /v1/queries)",
  tags: ['data'],
  auth: { roles: [...READERS.roles], scopes: [...READERS.scopes] },
  query: z
    .object({ ...paginationQuery, administration: administrationCode.optional() })
    .catchall(queryParamValue),
  example: { params: { name: 'declarations.count' }, query: { administration: 'XAA' } },
  response: pageOf(z.record(z.string(), z.unknown())).extend({
    query: z.string(),
    administration: z.string(),
  }),
  async handler(req, deps: ApiDeps) {
    const {
      limit,
      cursor,
      administration: _a,
      ...params
    } = req.query as Record<string, string> & {
      limit: number;
      cursor?: string;
    };
    const admin = targetAdministration(req, who(req));
    await authoriseAdministration(req, admin, deps, 'read', { resource: `${req.path}` });
    if (!NAMED_QUERIES.has(req.params.name)) throw notFound(`no named query ${req.params.name}`);
    let rows: Record<string, unknown>[];
    try {
      rows = await runNamedQuery(deps.query, req.params.name, admin, params);
    } catch (err) {
      if (err instanceof QueryInputError) throw badRequest(err.message);
      throw err;
    }
    return {
      status: 200,
      body: { query: req.params.name, administration: admin, ...paginate(rows, { limit, cursor }) },
    };
  },
});

export const datasetRoutes = [listDatasetsRoute, listQueriesRoute, runQueryRoute];
