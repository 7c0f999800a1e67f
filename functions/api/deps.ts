import type { ObjectStore } from '../../shared/ports/object-store.ts';
import type { QueryEngine } from '../../shared/ports/query-engine.ts';

/** What API routes may use. Lambda wires S3 + Athena; `bacuda start` wires the store folder + DuckDB. */
export interface ApiDeps {
  store: ObjectStore;
  query: QueryEngine;
  now: () => Date;
  /** 'cloud' or 'local', shown by /health and used where the two differ (presigned vs direct uploads). */
  mode: 'cloud' | 'local';
}
