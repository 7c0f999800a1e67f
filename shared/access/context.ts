import type { Principal } from '../identity/principal.ts';
import type { ObjectStore } from '../ports/object-store.ts';

/** What the access helpers need to know about a request: who, and from where (for the audit log). */
export interface AccessContext {
  principal: Principal | null;
  sourceIp: string;
  requestId: string;
}

/** What the access helpers need from the platform; ApiDeps satisfies it. */
export interface AccessDeps {
  store: ObjectStore;
  now: () => Date;
}
