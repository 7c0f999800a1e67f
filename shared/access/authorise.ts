import { ApiError, badRequest, forbidden, unauthorized } from '../http/api-error.ts';
import { isAdministrationCode, type Principal, type Scope } from '../identity/principal.ts';
import { appendAudit } from './audit-log.ts';
import { CONFIDENTIALITY_STATEMENT, currentAcceptance } from './confidentiality.ts';
import type { AccessContext, AccessDeps } from './context.ts';
import { grantCovers, grantIsActive, listGrants } from './grants.ts';

/**
 * What a caller wants to do with one administration's data or results.
 * - read:    its datasets, query results, preliminary results and Series outputs (anonymised for analysts)
 * - upload:  send it new files
 * - approve: approve or reject its preliminary results
 * - score:   score declarations with its fraud model
 * - grant:   give analysts access to it
 */
export type AccessAction = 'read' | 'upload' | 'approve' | 'score' | 'grant';

/** The scope a member system needs for each action (none can approve or grant). */
const MEMBER_SCOPE: Record<AccessAction, Scope | null> = {
  read: 'results/read',
  upload: 'data/upload',
  score: 'fraud/score',
  approve: null,
  grant: null,
};

/** Actions written to the audit log as data access. Scoring sends data in rather than reading it. */
const AUDITED: ReadonlySet<AccessAction> = new Set(['read', 'upload']);

export interface AuthoriseOptions {
  /** What is accessed, for the audit log; defaults to "<ADMIN>". Routes pass their path. */
  resource?: string;
  /** Set false for calls that are audited by the route itself (approvals, grants). */
  audit?: boolean;
}

/**
 * The one tenant-isolation rule every route applies before touching an administration's data:
 * - official and member-system: only their own administration (403 otherwise); member systems also need
 *   the scope for the action;
 * - analyst: only `read`, only administrations with an active grant covering them, and only after
 *   accepting the current confidentiality statement (403 `confidentiality_required` otherwise);
 * - wco-admin: only `grant` (it manages access; it does not read administrations' data).
 * Invalid administration codes are refused with 400 before anything is read. Reads and uploads, allowed
 * or refused, are written to the audit log.
 */
export async function authoriseAdministration(
  ctx: AccessContext,
  administration: string,
  deps: AccessDeps,
  action: AccessAction,
  options: AuthoriseOptions = {},
): Promise<Principal> {
  const principal = ctx.principal;
  if (!principal) throw unauthorized();
  if (typeof administration !== 'string' || !isAdministrationCode(administration))
    throw badRequest('administration must be a code of 2-8 capital letters');
  const audit = options.audit !== false && AUDITED.has(action);
  const record = (outcome: 'allowed' | 'denied', reason?: string) =>
    audit
      ? appendAudit(deps, ctx, {
          action: `data.${action}`,
          administration,
          resource: options.resource ?? administration,
          outcome,
          ...(reason ? { details: { reason } } : {}),
        })
      : Promise.resolve();
  try {
    await decide(principal, administration, deps, action);
  } catch (err) {
    if (err instanceof ApiError) await record('denied', err.code);
    throw err;
  }
  await record('allowed');
  return principal;
}

async function decide(
  principal: Principal,
  administration: string,
  deps: AccessDeps,
  action: AccessAction,
): Promise<void> {
  const { roles } = principal;
  if (roles.includes('official') && principal.administration === administration) return;
  if (roles.includes('member-system') && principal.administration === administration) {
    const scope = MEMBER_SCOPE[action];
    if (scope === null) throw forbidden(`member systems may not ${action}`);
    if (!principal.scopes.includes(scope)) throw forbidden(`missing scope ${scope}`);
    return;
  }
  if (roles.includes('wco-admin') && action === 'grant') return;
  if (roles.includes('analyst') && action === 'read') {
    const now = deps.now();
    const grants = await listGrants(deps, administration);
    if (!grants.some((g) => grantIsActive(g, now) && grantCovers(g, principal)))
      throw forbidden(`administration ${administration} has not granted you access`);
    if (!(await currentAcceptance(deps, principal.subject)))
      throw new ApiError(
        403,
        'confidentiality_required',
        `accept confidentiality statement version ${CONFIDENTIALITY_STATEMENT.version} first (POST /v1/confidentiality/accept)`,
      );
    return;
  }
  throw forbidden(`you may not ${action} data of administration ${administration}`);
}

/**
 * Administrations whose data the caller may read: their own for officials and member systems (with
 * results/read), granted ones for analysts who accepted the current statement, none for wco-admin.
 * For listing endpoints that span administrations; single-administration routes use authoriseAdministration.
 */
export async function readableAdministrations(principal: Principal, deps: AccessDeps): Promise<string[]> {
  const own =
    principal.administration &&
    (principal.roles.includes('official') ||
      (principal.roles.includes('member-system') && principal.scopes.includes('results/read')))
      ? [principal.administration]
      : [];
  if (!principal.roles.includes('analyst')) return own;
  if (!(await currentAcceptance(deps, principal.subject))) return own;
  const now = deps.now();
  const granted = new Set(own);
  for (const g of await listGrants(deps))
    if (grantIsActive(g, now) && grantCovers(g, principal)) granted.add(g.administration);
  return [...granted].sort();
}
