import { z } from 'zod';
import {
  decideAccessRequest,
  listAccessRequests,
  RequestNotPendingError,
  submitAccessRequest,
} from '../../../shared/access/access-requests.ts';
import { appendAudit, queryAudit } from '../../../shared/access/audit-log.ts';
import { authoriseAdministration, readableAdministrations } from '../../../shared/access/authorise.ts';
import {
  CONFIDENTIALITY_STATEMENT,
  currentAcceptance,
  recordAcceptance,
} from '../../../shared/access/confidentiality.ts';
import { createGrant, getGrant, listGrants, revokeGrant } from '../../../shared/access/grants.ts';
import { UserExistsError } from '../../../shared/access/user-directory.ts';
import { ApiError, badRequest, forbidden, notFound } from '../../../shared/http/api-error.ts';
import {
  decodeCursor,
  encodeCursor,
  pageOf,
  paginate,
  paginationQuery,
} from '../../../shared/http/pagination.ts';
import { TokenBucketRateLimiter } from '../../../shared/http/rate-limiter.ts';
import { type ApiRequest, defineRoute } from '../../../shared/http/route.ts';
import type { ApiDeps } from '../deps.ts';
import { administrationCode, isoDate, text, who } from './common.ts';

const PEOPLE = ['official', 'analyst', 'wco-admin'] as const;

export const meRoute = defineRoute({
  method: 'GET',
  path: '/v1/me',
  summary: 'Who the caller is, and what they may read (administrations, confidentiality statement status)',
  tags: ['access'],
  auth: { roles: [...PEOPLE, 'member-system'] },
  response: z.object({
    subject: z.string(),
    name: z.string(),
    roles: z.array(z.string()),
    administration: z.string().nullable(),
    scopes: z.array(z.string()),
    readableAdministrations: z.array(z.string()),
    confidentiality: z.object({ currentVersion: z.string(), acceptedAt: z.string().nullable() }),
  }),
  async handler(req, deps: ApiDeps) {
    const p = who(req);
    const accepted = await currentAcceptance(deps, p.subject);
    return {
      status: 200,
      body: {
        ...p,
        readableAdministrations: await readableAdministrations(p, deps),
        confidentiality: {
          currentVersion: CONFIDENTIALITY_STATEMENT.version,
          acceptedAt: accepted?.acceptedAt ?? null,
        },
      },
    };
  },
});

// ---- confidentiality statement ------------------------------------------------------------------------

export const confidentialityRoute = defineRoute({
  method: 'GET',
  path: '/v1/confidentiality',
  summary: 'The current confidentiality statement analysts accept before seeing data',
  tags: ['access'],
  auth: 'public',
  response: z.object({ version: z.string(), title: z.string(), text: z.string() }),
  async handler() {
    return { status: 200, body: CONFIDENTIALITY_STATEMENT };
  },
});

export const acceptConfidentialityRoute = defineRoute({
  method: 'POST',
  path: '/v1/confidentiality/accept',
  summary: 'Accept the current confidentiality statement (recorded with time, version and source address)',
  tags: ['access'],
  auth: { roles: ['analyst'] },
  body: z.object({ version: z.string().max(32) }),
  example: { body: { version: CONFIDENTIALITY_STATEMENT.version } },
  response: z.object({
    subject: z.string(),
    version: z.string(),
    acceptedAt: z.string(),
    sourceIp: z.string(),
  }),
  async handler(req, deps: ApiDeps) {
    if (req.body.version !== CONFIDENTIALITY_STATEMENT.version)
      throw new ApiError(
        409,
        'conflict',
        `version ${req.body.version} is not the current statement (${CONFIDENTIALITY_STATEMENT.version}); reload and read it again`,
      );
    const acceptance = await recordAcceptance(deps, who(req), req.sourceIp);
    await appendAudit(deps, req, {
      action: 'confidentiality.accept',
      resource: `confidentiality/${acceptance.version}`,
    });
    return { status: 200, body: acceptance };
  },
});

// ---- access requests ----------------------------------------------------------------------------------

/**
 * Unauthenticated, so throttled per source address on top of the platform-wide limit (and by WAF in the
 * cloud): a burst of 5, then one request every 2 minutes.
 */
export const accessRequestLimiter = new TokenBucketRateLimiter(1 / 120, 5);

const accessRequestInput = z
  .object({
    name: text(120).min(2),
    email: z.email().max(254),
    username: z.string().regex(/^[a-z][a-z0-9._-]{2,63}$/, 'lower-case letters, digits, ".", "_" or "-"'),
    organisation: text(200).min(2),
    role: z.enum(['official', 'analyst']),
    administration: administrationCode.nullable().default(null),
    reason: text(2000).min(10),
  })
  .refine((r) => r.role !== 'official' || r.administration !== null, {
    message: 'officials name their administration',
    path: ['administration'],
  });

const accessRequestSchema = z.object({
  id: z.string(),
  createdAt: z.string(),
  status: z.enum(['pending', 'approved', 'rejected']),
  name: z.string(),
  email: z.string(),
  username: z.string(),
  organisation: z.string(),
  role: z.enum(['official', 'analyst']),
  administration: z.string().nullable(),
  reason: z.string(),
  sourceIp: z.string(),
  decidedAt: z.string().nullable(),
  decidedBy: z.object({ subject: z.string(), name: z.string() }).nullable(),
  comment: z.string(),
});

export const submitAccessRequestRoute = defineRoute({
  method: 'POST',
  path: '/v1/access-requests',
  summary: 'Ask for a portal account (no login needed; rate-limited). A WCO administrator decides.',
  tags: ['access'],
  auth: 'public',
  body: accessRequestInput,
  example: {
    body: {
      name: 'Jo Official',
      email: 'jo@customs.example.org',
      username: 'jo.official',
      organisation: 'Customs of XAA',
      role: 'official',
      administration: 'XAA',
      reason: 'Risk management unit; we want to run the fraud Series on our declarations.',
    },
  },
  response: z.object({ id: z.string(), status: z.literal('pending') }),
  async handler(req, deps: ApiDeps) {
    accessRequestLimiter.take(`access-request:${req.sourceIp}`);
    const request = await submitAccessRequest(deps, req.sourceIp, req.body);
    return { status: 202, body: { id: request.id, status: 'pending' } };
  },
});

export const listAccessRequestsRoute = defineRoute({
  method: 'GET',
  path: '/v1/access-requests',
  summary: 'Access requests, newest first (WCO administrators)',
  tags: ['access'],
  auth: { roles: ['wco-admin'] },
  query: z.object({ ...paginationQuery, status: z.enum(['pending', 'approved', 'rejected']).optional() }),
  response: pageOf(accessRequestSchema),
  async handler(req, deps: ApiDeps) {
    return { status: 200, body: paginate(await listAccessRequests(deps, req.query.status), req.query) };
  },
});

function decideAccessRoute(decision: 'approved' | 'rejected') {
  const verb = decision === 'approved' ? 'approve' : 'reject';
  return defineRoute({
    method: 'POST',
    path: `/v1/access-requests/{id}/${verb}`,
    summary:
      decision === 'approved'
        ? 'Approve an access request: creates the account (Cognito invitation; locally a one-time password)'
        : 'Reject an access request, with a comment',
    tags: ['access'],
    auth: { roles: ['wco-admin'] },
    body: z.object({ comment: decision === 'approved' ? text(2000).default('') : text(2000).min(1) }),
    example: { params: { id: '00000000-0000-4000-8000-000000000000' }, body: { comment: 'ok' } },
    response: z.object({
      request: accessRequestSchema,
      user: z.object({ username: z.string(), temporaryPassword: z.string().nullable() }).nullable(),
    }),
    async handler(req, deps: ApiDeps) {
      if (decision === 'approved' && !deps.users)
        throw new ApiError(503, 'unavailable', 'no user directory is configured');
      try {
        const out = await decideAccessRequest(
          { ...deps, users: deps.users ?? { createUser: () => Promise.reject(new Error('unreachable')) } },
          req,
          req.params.id,
          decision,
          req.body.comment,
        );
        if (!out) throw notFound('no such access request');
        return { status: 200, body: out };
      } catch (err) {
        if (err instanceof RequestNotPendingError || err instanceof UserExistsError)
          throw new ApiError(409, 'conflict', err.message);
        throw err;
      }
    },
  });
}

// ---- grants -------------------------------------------------------------------------------------------

const grantSchema = z.object({
  id: z.string(),
  administration: z.string(),
  analyst: z.string(),
  grantedBy: z.object({ subject: z.string(), name: z.string() }),
  grantedAt: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  revokedBy: z.object({ subject: z.string(), name: z.string() }).nullable(),
  note: z.string(),
});

/** Officials manage their own administration's grants; WCO administrators manage all. */
async function mayManageGrants(req: ApiRequest<unknown, unknown>, admin: string, deps: ApiDeps) {
  const p = who(req);
  if (p.roles.includes('official') && p.administration === admin) return;
  await authoriseAdministration(req, admin, deps, 'grant');
}

export const listGrantsRoute = defineRoute({
  method: 'GET',
  path: '/v1/grants',
  summary: "Analysts' access grants: all for WCO administrators, their own administration's for officials",
  tags: ['access'],
  auth: { roles: ['official', 'wco-admin'] },
  query: z.object({ ...paginationQuery, administration: administrationCode.optional() }),
  response: pageOf(grantSchema),
  async handler(req, deps: ApiDeps) {
    const p = who(req);
    let admin = req.query.administration;
    if (!p.roles.includes('wco-admin')) {
      admin ??= p.administration ?? undefined;
      if (!admin) throw forbidden('no administration');
      await mayManageGrants(req, admin, deps);
    }
    return { status: 200, body: paginate(await listGrants(deps, admin), req.query) };
  },
});

export const createGrantRoute = defineRoute({
  method: 'POST',
  path: '/v1/grants',
  summary: "Grant an analyst (or '*' for all analysts) read access to an administration's anonymised data",
  tags: ['access'],
  auth: { roles: ['official', 'wco-admin'] },
  body: z.object({
    administration: administrationCode,
    analyst: z.union([z.literal('*'), z.string().regex(/^[A-Za-z0-9][A-Za-z0-9@._:-]{1,127}$/)]),
    expiresAt: z.iso.datetime({ offset: true }).nullable().default(null),
    note: text(500).default(''),
  }),
  example: { body: { administration: 'XAA', analyst: 'analyst', expiresAt: null, note: 'fraud study 2026' } },
  response: grantSchema,
  async handler(req, deps: ApiDeps) {
    await mayManageGrants(req, req.body.administration, deps);
    if (req.body.expiresAt && Date.parse(req.body.expiresAt) <= deps.now().getTime())
      throw badRequest('expiresAt is in the past');
    const grant = await createGrant(deps, who(req), req.body);
    await appendAudit(deps, req, {
      action: 'grant.create',
      administration: grant.administration,
      resource: `access/grants/${grant.administration}/${grant.id}`,
      details: { analyst: grant.analyst, expiresAt: grant.expiresAt },
    });
    return { status: 201, body: grant };
  },
});

export const revokeGrantRoute = defineRoute({
  method: 'DELETE',
  path: '/v1/grants/{administration}/{id}',
  summary: 'Revoke a grant (it stays on record as revoked)',
  tags: ['access'],
  auth: { roles: ['official', 'wco-admin'] },
  example: { params: { administration: 'XAA', id: '00000000-0000-4000-8000-000000000000' } },
  response: grantSchema,
  async handler(req, deps: ApiDeps) {
    const { administration, id } = req.params;
    await mayManageGrants(req, administration, deps);
    if (!(await getGrant(deps, administration, id))) throw notFound('no such grant');
    const grant = await revokeGrant(deps, who(req), administration, id);
    await appendAudit(deps, req, {
      action: 'grant.revoke',
      administration,
      resource: `access/grants/${administration}/${id}`,
      details: { analyst: grant?.analyst },
    });
    return { status: 200, body: grant };
  },
});

// ---- audit log ----------------------------------------------------------------------------------------

const auditEntrySchema = z.object({
  id: z.string(),
  at: z.string(),
  actor: z
    .object({
      subject: z.string(),
      name: z.string(),
      roles: z.array(z.string()),
      administration: z.string().nullable(),
    })
    .nullable(),
  action: z.string(),
  administration: z.string().nullable(),
  resource: z.string(),
  outcome: z.enum(['allowed', 'denied']),
  sourceIp: z.string(),
  requestId: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});

export const auditRoute = defineRoute({
  method: 'GET',
  path: '/v1/audit',
  summary:
    'The audit log, newest first: all of it for WCO administrators, entries about their administration for officials',
  tags: ['access'],
  auth: { roles: ['official', 'wco-admin'] },
  query: z.object({
    ...paginationQuery,
    from: isoDate.optional(),
    to: isoDate.optional(),
    action: z
      .string()
      .regex(/^[a-z-]+\.[a-z-]+$/)
      .optional(),
    administration: administrationCode.optional(),
  }),
  response: pageOf(auditEntrySchema),
  async handler(req, deps: ApiDeps) {
    const p = who(req);
    const today = deps.now().toISOString().slice(0, 10);
    const to = req.query.to ?? today;
    const from =
      req.query.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 6 * 86_400_000).toISOString().slice(0, 10);
    if (from > to) throw badRequest('from is after to');
    let administrations: string[] | undefined = req.query.administration
      ? [req.query.administration]
      : undefined;
    if (!p.roles.includes('wco-admin')) {
      if (!p.administration) throw forbidden('no administration');
      if (req.query.administration && req.query.administration !== p.administration)
        throw forbidden('officials see the audit log of their own administration only');
      administrations = [p.administration];
    }
    let cursor: string | undefined;
    if (req.query.cursor) {
      cursor = decodeCursor(req.query.cursor);
      if (!cursor.startsWith('audit/')) throw badRequest('invalid cursor');
    }
    const page = await queryAudit(deps, {
      from,
      to,
      administrations,
      action: req.query.action,
      limit: req.query.limit,
      cursor,
    });
    return {
      status: 200,
      body: { items: page.items, nextCursor: page.nextCursor ? encodeCursor(page.nextCursor) : null },
    };
  },
});

export const accessRoutes = [
  meRoute,
  confidentialityRoute,
  acceptConfidentialityRoute,
  submitAccessRequestRoute,
  listAccessRequestsRoute,
  decideAccessRoute('approved'),
  decideAccessRoute('rejected'),
  listGrantsRoute,
  createGrantRoute,
  revokeGrantRoute,
  auditRoute,
];
