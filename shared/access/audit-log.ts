import { randomUUID } from 'node:crypto';
import type { Role } from '../identity/principal.ts';
import type { AccessContext, AccessDeps } from './context.ts';
import { readJson } from './json-store.ts';

/** Who did what, when, and from where. Never changed once written. */
export interface AuditEntry {
  id: string;
  at: string;
  actor: { subject: string; name: string; roles: Role[]; administration: string | null } | null;
  /** e.g. result.approve, result.reject, grant.create, grant.revoke, data.read, data.upload, access-request.approve */
  action: string;
  /** The administration whose data or results the action concerns, if any. */
  administration: string | null;
  /** What was acted on: a path or a store key. */
  resource: string;
  outcome: 'allowed' | 'denied';
  sourceIp: string;
  requestId: string;
  details?: Record<string, unknown>;
}

export type AuditInput = Pick<AuditEntry, 'action' | 'resource'> &
  Partial<Pick<AuditEntry, 'administration' | 'outcome' | 'details'>>;

const PREFIX = 'audit/';

/**
 * The append-only audit log: one object per entry, under a key that sorts by time
 * (`audit/YYYY/MM/DD/<HHMMSSmmm>-<ADMIN|_>-<uuid>.json`) and is never rewritten. Objects are never
 * overwritten or deleted by the application; in the cloud the bucket's Object Lock (compliance mode) makes
 * that a guarantee rather than a convention. Keeping the administration in the key lets an official's view
 * be filtered without reading other administrations' entries.
 */
export async function appendAudit(
  deps: AccessDeps,
  ctx: AccessContext,
  input: AuditInput,
): Promise<AuditEntry> {
  const at = deps.now();
  const p = ctx.principal;
  const entry: AuditEntry = {
    id: randomUUID(),
    at: at.toISOString(),
    actor: p ? { subject: p.subject, name: p.name, roles: p.roles, administration: p.administration } : null,
    action: input.action,
    administration: input.administration ?? null,
    resource: input.resource,
    outcome: input.outcome ?? 'allowed',
    sourceIp: ctx.sourceIp,
    requestId: ctx.requestId,
    ...(input.details ? { details: input.details } : {}),
  };
  const iso = entry.at; // 2026-05-01T12:34:56.789Z
  const day = `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}`;
  const time = iso.slice(11, 23).replace(/[:.]/g, '');
  const key = `${PREFIX}${day}/${time}-${entry.administration ?? '_'}-${entry.id}.json`;
  await deps.store.put(key, JSON.stringify(entry), { contentType: 'application/json' });
  return entry;
}

export interface AuditQuery {
  /** Inclusive ISO dates (YYYY-MM-DD). */
  from: string;
  to: string;
  /** Only entries about these administrations (officials see their own); all when undefined. */
  administrations?: string[];
  action?: string;
  limit: number;
  /** The last key of the previous page. */
  cursor?: string;
}

const MAX_DAYS = 92;

/** Entries newest first, one page at a time. */
export async function queryAudit(
  deps: AccessDeps,
  q: AuditQuery,
): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
  const days = daysBetween(q.from, q.to).reverse();
  const items: AuditEntry[] = [];
  for (const day of days) {
    const keys = (await deps.store.list(`${PREFIX}${day.replaceAll('-', '/')}/`)).sort().reverse();
    for (const key of keys) {
      if (q.cursor && key >= q.cursor) continue;
      const admin = /-([A-Z]{2,8}|_)-[0-9a-f-]{36}\.json$/.exec(key)?.[1];
      if (q.administrations && (!admin || !q.administrations.includes(admin))) continue;
      const entry = await readJson<AuditEntry>(deps.store, key);
      if (!entry || (q.action && entry.action !== q.action)) continue;
      items.push(entry);
      if (items.length === q.limit) return { items, nextCursor: key };
    }
  }
  return { items, nextCursor: null };
}

function daysBetween(from: string, to: string): string[] {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  const out: string[] = [];
  for (let t = start; t <= end && out.length < MAX_DAYS; t += 86_400_000)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}
