import type { S3Event } from 'aws-lambda';
import { makeIngestHandler } from '../functions/ingest/handler.ts';
import { DuckDbBulkLoader } from '../shared/adapters/duckdb-bulk-loader.ts';
import type { FsObjectStore } from '../shared/adapters/fs-object-store.ts';
import { localLakeTables } from '../shared/ingest/datasets.ts';
import { LocalKeyStore } from '../shared/ingest/local-key-store.ts';

/** The lake tables DuckDB exposes locally: the same datasets Glue defines in the cloud. */
export const lakeTables = localLakeTables;

/** The ingest Lambda's handler with local adapters: store folder + local pseudonymisation key files. */
export function makeLocalUploadHandler(deps: {
  store: FsObjectStore;
  root: string;
  log?: (line: string) => void;
}) {
  const handler = makeIngestHandler({
    store: deps.store,
    keys: new LocalKeyStore(deps.root),
    log: deps.log,
    bulk: new DuckDbBulkLoader(),
  });
  return (event: S3Event) => handler(event, {} as never);
}
