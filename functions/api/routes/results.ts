import { z } from 'zod';
import { authoriseAdministration, readableAdministrations } from '../../../shared/access/authorise.ts';
import {
  decideResult,
  getResult,
  listResults,
  listResultsByAdministration,
  type ResultDoc,
  ResultNotPendingError,
  resultPrefix,
} from '../../../shared/access/results.ts';
import { ApiError, badRequest, notFound } from '../../../shared/http/api-error.ts';
import { pageOf, paginate, paginationQuery } from '../../../shared/http/pagination.ts';
import { type ApiRequest, defineRoute } from '../../../shared/http/route.ts';
import type { Principal } from '../../../shared/identity/principal.ts';
import { ObjectNotFoundError } from '../../../shared/ports/object-store.ts';
import type { ApiDeps } from '../deps.ts';
import { administrationCode, seriesId, text, who } from './common.ts';

const PEOPLE = ['official', 'analyst', 'wco-admin'] as const;

const decisionSchema = z.object({
  status: z.enum(['preliminary', 'approved', 'rejected']),
  at: z.string(),
  by: z.object({ subject: z.string(), name: z.string() }).nullable(),
  comment: z.string(),
});

export const resultSchema = z.object({
  id: z.string(),
  administration: z.string(),
  series: seriesId,
  title: z.string(),
  summary: z.string(),
  createdAt: z.string(),
  source: z.string().nullable(),
  status: z.enum(['preliminary', 'approved', 'rejected']),
  decision: decisionSchema.nullable(),
  history: z.array(decisionSchema),
  files: z.array(z.string()),
});

/** Anyone logged in may read approved results; member systems need results/read. */
function mayReadPublished(p: Principal): boolean {
  return p.roles.some((r) => r !== 'member-system') || p.scopes.includes('results/read');
}

/**
 * Results the caller may see: everything of the administrations they may read (their own, or granted
 * ones for analysts), plus approved results of every administration.
 */
export async function visibleResults(
  p: Principal,
  deps: ApiDeps,
  filter: { administration?: string; series?: ResultDoc['series']; status?: ResultDoc['status'] },
): Promise<ResultDoc[]> {
  const readable = new Set(await readableAdministrations(p, deps));
  const published = mayReadPublished(p);
  if (!published && !filter.administration && readable.size === 0) return [];
  const byAdmin = await listResultsByAdministration(
    deps.store,
    filter.administration ? [filter.administration] : published ? undefined : [...readable],
    { series: filter.series },
  );
  const out: ResultDoc[] = [];
  for (const [admin, results] of byAdmin) {
    // Full view of administrations the caller may read; approved results only of the others.
    const full = readable.has(admin);
    if (!full && !published) continue;
    out.push(
      ...results.filter((r) =>
        full
          ? !filter.status || r.status === filter.status
          : r.status === 'approved' && (!filter.status || filter.status === 'approved'),
      ),
    );
  }
  return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id));
}

export const listResultsRoute = defineRoute({
  method: 'GET',
  path: '/v1/results',
  summary:
    'Results the caller may see: all of their own (or granted) administrations, approved ones of everyone else',
  tags: ['results'],
  auth: { roles: [...PEOPLE, 'member-system'], scopes: ['results/read'] },
  query: z.object({
    ...paginationQuery,
    administration: administrationCode.optional(),
    series: seriesId.optional(),
    status: z.enum(['preliminary', 'approved', 'rejected']).optional(),
  }),
  response: pageOf(resultSchema),
  example: { query: { administration: 'XAA' } },
  async handler(req, deps: ApiDeps) {
    const { limit, cursor, ...filter } = req.query;
    // Naming an administration asks for all of its results: that needs read access to it. Without one,
    // the list spans administrations and shows only approved results of those the caller may not read.
    if (filter.administration)
      await authoriseAdministration(req, filter.administration, deps, 'read', { resource: req.path });
    const all = await visibleResults(who(req), deps, filter);
    return { status: 200, body: paginate(all, { limit, cursor }) };
  },
});

export const approvalsInboxRoute = defineRoute({
  method: 'GET',
  path: '/v1/approvals',
  summary: "The approvals inbox: preliminary results of the caller's administration awaiting a decision",
  tags: ['results'],
  auth: { roles: ['official'] },
  query: z.object({ ...paginationQuery }),
  response: pageOf(resultSchema),
  async handler(req, deps: ApiDeps) {
    const p = who(req);
    if (!p.administration) return { status: 200, body: { items: [], nextCursor: null } };
    await authoriseAdministration(req, p.administration, deps, 'approve');
    const pending = await listResults(deps.store, p.administration, { status: 'preliminary' });
    return { status: 200, body: paginate(pending, req.query) };
  },
});

/** Loads a result and checks the caller may see it: approved → anyone logged in, otherwise read access. */
async function visibleResult(req: ApiRequest<unknown, unknown>, deps: ApiDeps): Promise<ResultDoc> {
  const { administration, series, id } = req.params;
  if (!administrationCode.safeParse(administration).success) throw badRequest('invalid administration');
  if (!seriesId.safeParse(series).success) throw badRequest('invalid series');
  const doc = await getResult(deps.store, administration, series, id);
  const p = who(req);
  if (doc?.status === 'approved' && mayReadPublished(p)) return doc;
  // Not published: only those who may read the administration learn whether it exists.
  await authoriseAdministration(req, administration, deps, 'read', { resource: req.path });
  if (!doc) throw notFound('no such result');
  return doc;
}

const example = { params: { administration: 'XAA', series: 'fraud', id: 'r1' } };

export const getResultRoute = defineRoute({
  method: 'GET',
  path: '/v1/results/{administration}/{series}/{id}',
  summary: 'One result with its status, decision history and files',
  tags: ['results'],
  auth: { roles: [...PEOPLE, 'member-system'], scopes: ['results/read'] },
  response: resultSchema,
  example,
  async handler(req, deps: ApiDeps) {
    return { status: 200, body: await visibleResult(req, deps) };
  },
});

const MAX_FILE_BYTES = 5 * 1024 * 1024;
const TEXT_TYPES: Record<string, string> = {
  json: 'application/json',
  csv: 'text/csv; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
};

export const getResultFileRoute = defineRoute({
  method: 'GET',
  path: '/v1/results/{administration}/{series}/{id}/files/{file}',
  summary: 'One file of a result (JSON, CSV or text, up to 5 MB)',
  tags: ['results'],
  auth: { roles: [...PEOPLE, 'member-system'], scopes: ['results/read'] },
  example: { params: { ...example.params, file: 'summary.json' } },
  async handler(req, deps: ApiDeps) {
    const doc = await visibleResult(req, deps);
    const file = req.params.file;
    if (!doc.files.includes(file)) throw notFound('no such file in this result');
    const ext = file.split('.').pop()?.toLowerCase() ?? '';
    const type = TEXT_TYPES[ext];
    if (!type) throw new ApiError(415, 'unsupported_media_type', 'only JSON, CSV and text files are served');
    let bytes: Uint8Array;
    try {
      bytes = await deps.store.get(`${resultPrefix(doc.administration, doc.series, doc.id)}${file}`);
    } catch (err) {
      if (err instanceof ObjectNotFoundError) throw notFound('no such file in this result');
      throw err;
    }
    if (bytes.length > MAX_FILE_BYTES)
      throw new ApiError(413, 'payload_too_large', 'file exceeds 5 MB; read it through the query API');
    return {
      status: 200,
      text: new TextDecoder().decode(bytes),
      headers: { 'content-type': type, 'content-disposition': `attachment; filename="${file}"` },
    };
  },
});

function decisionRoute(decision: 'approved' | 'rejected') {
  const verb = decision === 'approved' ? 'approve' : 'reject';
  return defineRoute({
    method: 'POST',
    path: `/v1/results/{administration}/{series}/{id}/${verb}`,
    summary:
      decision === 'approved'
        ? 'Approve a preliminary result for publication (officials of the data-owning administration)'
        : 'Reject a preliminary result, with a comment saying why (officials of the data-owning administration)',
    tags: ['results'],
    auth: { roles: ['official'] },
    body: z.object({
      comment:
        decision === 'approved'
          ? text(2000).default('')
          : text(2000).min(1, 'say why the result is rejected'),
    }),
    response: resultSchema,
    example: { ...example, body: { comment: 'checked against our own figures' } },
    async handler(req, deps: ApiDeps) {
      const { administration, series, id } = req.params;
      if (!seriesId.safeParse(series).success) throw badRequest('invalid series');
      await authoriseAdministration(req, administration, deps, 'approve');
      try {
        const doc = await decideResult(deps, req, { administration, series, id }, decision, req.body.comment);
        if (!doc) throw notFound('no such result');
        return { status: 200, body: doc };
      } catch (err) {
        if (err instanceof ResultNotPendingError) throw new ApiError(409, 'conflict', err.message);
        throw err;
      }
    },
  });
}

export const approveResultRoute = decisionRoute('approved');
export const rejectResultRoute = decisionRoute('rejected');

export const resultRoutes = [
  listResultsRoute,
  approvalsInboxRoute,
  getResultRoute,
  getResultFileRoute,
  approveResultRoute,
  rejectResultRoute,
];
