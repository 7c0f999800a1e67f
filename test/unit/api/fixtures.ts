import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AccessContext } from '../../../shared/access/context.ts';
import { FsObjectStore } from '../../../shared/adapters/fs-object-store.ts';
import type { Principal, Role, Scope } from '../../../shared/identity/principal.ts';

export async function tempStore(): Promise<{ store: FsObjectStore; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'bacuda-api-'));
  return { store: new FsObjectStore(dir), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export function principal(
  role: Role,
  administration: string | null = null,
  extra: Partial<Principal> = {},
): Principal {
  const name = extra.name ?? `${role}-${administration ?? 'wco'}`;
  return {
    subject: extra.subject ?? `sub-${name}`,
    roles: [role],
    administration,
    scopes:
      extra.scopes ??
      (role === 'member-system' ? (['fraud/score', 'data/upload', 'results/read'] as Scope[]) : []),
    name,
  };
}

export function ctx(p: Principal | null): AccessContext {
  return { principal: p, sourceIp: '192.0.2.1', requestId: 'req-1' };
}
