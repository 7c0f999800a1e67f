import { randomUUID } from 'node:crypto';
import { appendAudit } from './audit-log.ts';
import type { AccessContext, AccessDeps } from './context.ts';
import { readAllJson, readJson, writeJson } from './json-store.ts';
import type { CreatedUser, UserDirectory } from './user-directory.ts';

export interface AccessRequestInput {
  name: string;
  email: string;
  username: string;
  organisation: string;
  role: 'official' | 'analyst';
  administration: string | null;
  reason: string;
}

export interface AccessRequest extends AccessRequestInput {
  id: string;
  createdAt: string;
  sourceIp: string;
  status: 'pending' | 'approved' | 'rejected';
  decidedAt: string | null;
  decidedBy: { subject: string; name: string } | null;
  comment: string;
}

const requestKey = (id: string) => `access/requests/${id}.json`;

export async function submitAccessRequest(
  deps: AccessDeps,
  sourceIp: string,
  input: AccessRequestInput,
): Promise<AccessRequest> {
  const request: AccessRequest = {
    ...input,
    id: randomUUID(),
    createdAt: deps.now().toISOString(),
    sourceIp,
    status: 'pending',
    decidedAt: null,
    decidedBy: null,
    comment: '',
  };
  await writeJson(deps.store, requestKey(request.id), request);
  return request;
}

export async function listAccessRequests(
  deps: AccessDeps,
  status?: AccessRequest['status'],
): Promise<AccessRequest[]> {
  const all = await readAllJson<AccessRequest>(deps.store, 'access/requests/');
  return all
    .filter((r) => !status || r.status === status)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id));
}

export const getAccessRequest = (deps: AccessDeps, id: string) =>
  readJson<AccessRequest>(deps.store, requestKey(id));

export class RequestNotPendingError extends Error {}

/**
 * Approves (creating the account in the user directory) or rejects a pending request, and audits it.
 * The account is created before the request is marked approved, so a failure leaves it pending to retry.
 */
export async function decideAccessRequest(
  deps: AccessDeps & { users: UserDirectory },
  ctx: AccessContext,
  id: string,
  decision: 'approved' | 'rejected',
  comment: string,
): Promise<{ request: AccessRequest; user: CreatedUser | null } | undefined> {
  const request = await getAccessRequest(deps, id);
  if (!request) return undefined;
  if (request.status !== 'pending') throw new RequestNotPendingError(`request is already ${request.status}`);
  let user: CreatedUser | null = null;
  if (decision === 'approved')
    user = await deps.users.createUser({
      username: request.username,
      email: request.email,
      name: request.name,
      role: request.role,
      administration: request.role === 'official' ? request.administration : null,
    });
  const p = ctx.principal;
  const decided: AccessRequest = {
    ...request,
    status: decision,
    decidedAt: deps.now().toISOString(),
    decidedBy: p ? { subject: p.subject, name: p.name } : null,
    comment,
  };
  await writeJson(deps.store, requestKey(id), decided);
  await appendAudit(deps, ctx, {
    action: decision === 'approved' ? 'access-request.approve' : 'access-request.reject',
    administration: request.administration,
    resource: `access/requests/${id}`,
    details: { username: request.username, role: request.role, comment },
  });
  return { request: decided, user };
}
