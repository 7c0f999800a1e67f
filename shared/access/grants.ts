import { randomUUID } from 'node:crypto';
import type { Principal } from '../identity/principal.ts';
import type { AccessDeps } from './context.ts';
import { readAllJson, readJson, writeJson } from './json-store.ts';

/**
 * An administration's permission for analysts to work on its anonymised data. `analyst` is a username
 * (or Cognito `sub`), or '*' for every analyst who has accepted the confidentiality statement.
 */
export interface Grant {
  id: string;
  administration: string;
  analyst: string;
  grantedBy: { subject: string; name: string };
  grantedAt: string;
  /** ISO time after which the grant no longer applies; null for open-ended grants. */
  expiresAt: string | null;
  revokedAt: string | null;
  revokedBy: { subject: string; name: string } | null;
  note: string;
}

export const grantKey = (administration: string, id: string) => `access/grants/${administration}/${id}.json`;

export async function createGrant(
  deps: AccessDeps,
  by: Principal,
  input: { administration: string; analyst: string; expiresAt?: string | null; note?: string },
): Promise<Grant> {
  const grant: Grant = {
    id: randomUUID(),
    administration: input.administration,
    analyst: input.analyst,
    grantedBy: { subject: by.subject, name: by.name },
    grantedAt: deps.now().toISOString(),
    expiresAt: input.expiresAt ?? null,
    revokedAt: null,
    revokedBy: null,
    note: input.note ?? '',
  };
  await writeJson(deps.store, grantKey(grant.administration, grant.id), grant);
  return grant;
}

export async function revokeGrant(
  deps: AccessDeps,
  by: Principal,
  administration: string,
  id: string,
): Promise<Grant | undefined> {
  const grant = await readJson<Grant>(deps.store, grantKey(administration, id));
  if (!grant) return undefined;
  if (grant.revokedAt) return grant;
  const revoked: Grant = {
    ...grant,
    revokedAt: deps.now().toISOString(),
    revokedBy: { subject: by.subject, name: by.name },
  };
  await writeJson(deps.store, grantKey(administration, id), revoked);
  return revoked;
}

export async function getGrant(deps: AccessDeps, administration: string, id: string) {
  return readJson<Grant>(deps.store, grantKey(administration, id));
}

/** Every grant, or one administration's, newest first. */
export async function listGrants(deps: AccessDeps, administration?: string): Promise<Grant[]> {
  const grants = await readAllJson<Grant>(
    deps.store,
    administration ? `access/grants/${administration}/` : 'access/grants/',
  );
  return grants.sort((a, b) => b.grantedAt.localeCompare(a.grantedAt) || a.id.localeCompare(b.id));
}

export function grantIsActive(grant: Grant, now: Date): boolean {
  if (grant.revokedAt) return false;
  return grant.expiresAt === null || Date.parse(grant.expiresAt) > now.getTime();
}

export function grantCovers(grant: Grant, principal: Principal): boolean {
  return grant.analyst === '*' || grant.analyst === principal.name || grant.analyst === principal.subject;
}

/** Administrations whose active grants cover this analyst. */
export async function grantedAdministrations(deps: AccessDeps, principal: Principal): Promise<string[]> {
  const now = deps.now();
  const admins = new Set<string>();
  for (const g of await listGrants(deps))
    if (grantIsActive(g, now) && grantCovers(g, principal)) admins.add(g.administration);
  return [...admins].sort();
}
