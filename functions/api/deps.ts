import type { UploadUrlSigner } from '../../shared/access/upload-signer.ts';
import type { UserDirectory } from '../../shared/access/user-directory.ts';
import type { ObjectStore } from '../../shared/ports/object-store.ts';
import type { QueryEngine } from '../../shared/ports/query-engine.ts';

/** What API routes may use. Lambda wires S3 + Athena; `bacuda start` wires the store folder + DuckDB. */
export interface ApiDeps {
  store: ObjectStore;
  query: QueryEngine;
  now: () => Date;
  /** 'cloud' or 'local', shown by /health and used where the two differ (presigned vs direct uploads). */
  mode: 'cloud' | 'local';
  /** Where approved access requests become accounts (Cognito / local user store); approvals fail without it. */
  users?: UserDirectory;
  /** Presigned S3 PUT URLs for uploads in the cloud; absent locally, where the API accepts the PUT itself. */
  uploadSigner?: UploadUrlSigner;
}
