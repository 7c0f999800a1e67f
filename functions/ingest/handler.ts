import { isAbsolute } from 'node:path';
import middy from '@middy/core';
import type { S3Event } from 'aws-lambda';
import type { BulkLoader } from '../../shared/ingest/bulk.ts';
import { IngestInputError, ingestUpload } from '../../shared/ingest/ingest.ts';
import type { Manifest } from '../../shared/ingest/manifest.ts';
import type { PseudonymKeyStore } from '../../shared/ingest/pseudonymise.ts';
import type { ObjectStore } from '../../shared/ports/object-store.ts';

export interface IngestHandlerDeps {
  store: ObjectStore;
  keys: PseudonymKeyStore;
  log?: (line: string) => void;
  now?: () => Date;
  /** Locally, DuckDB's bulk path (see shared/ingest/bulk.ts); the Lambda has none. */
  bulk?: BulkLoader;
}

/** EventBridge "Object Created" from S3 (the bucket's EventBridge notifications). */
export interface EventBridgeObjectCreated {
  source: 'aws.s3';
  'detail-type': 'Object Created';
  detail: {
    bucket: { name: string };
    object: { key: string; size?: number; etag?: string; 'version-id'?: string };
  };
}

export type IngestEvent = S3Event | EventBridgeObjectCreated;

export interface UploadRef {
  key: string;
  versionId?: string;
}

export interface IngestResult {
  key: string;
  uploadId?: string;
  status: Manifest['status'] | 'skipped';
  rowsIn?: number;
  rowsAccepted?: number;
  rowsRejected?: number;
  reason?: string;
}

/**
 * S3 notifications URL-encode keys with '+' for a space (a literal '+' arrives as %2B), so '+' must
 * become a space before percent-decoding. EventBridge delivers keys unencoded.
 */
export function decodeS3Key(encoded: string): string {
  return decodeURIComponent(encoded.replace(/\+/g, ' '));
}

export function uploadsOf(event: IngestEvent): UploadRef[] {
  if ('Records' in event) {
    return event.Records.filter((r) => r.eventName?.startsWith('ObjectCreated')).map((r) => ({
      key: decodeS3Key(r.s3.object.key),
      versionId: r.s3.object.versionId ?? r.s3.object.eTag,
    }));
  }
  if (event['detail-type'] === 'Object Created') {
    const o = event.detail.object;
    return [{ key: o.key, versionId: o['version-id'] ?? o.etag }];
  }
  return [];
}

/** The object as a local file when the store is a folder (never for S3). */
function localFile(store: ObjectStore, key: string): string | undefined {
  const where = store.locate(key);
  return isAbsolute(where) ? where : undefined;
}

const UPLOAD_KEY = /^uploads\/([^/]+)\/([^/]+)\/(.+)$/;

/**
 * The ingest Lambda: each uploads/<ADMIN>/<dataset>/<file> object becomes curated Parquet, quarantined
 * rows and a manifest. Idempotent per object version (a repeated notification returns the first
 * manifest). Keys outside uploads/ and unknown datasets are reported, not retried; any other failure
 * throws so Lambda retries and then sends the event to the DLQ.
 */
export function makeIngestHandler(deps: IngestHandlerDeps) {
  const log = deps.log ?? ((line: string) => console.log(line));
  const handle = async (event: IngestEvent): Promise<{ results: IngestResult[] }> => {
    const results: IngestResult[] = [];
    for (const { key, versionId } of uploadsOf(event)) {
      const m = UPLOAD_KEY.exec(key);
      if (!m || key.endsWith('/')) {
        log(`ingest: ignoring ${key} (not uploads/<ADMIN>/<dataset>/<file>)`);
        results.push({ key, status: 'skipped', reason: 'not an upload key' });
        continue;
      }
      const [, admin, dataset, path] = m;
      const fileName = path.split('/').pop() ?? path;
      try {
        const manifest = await ingestUpload(
          { store: deps.store, keys: deps.keys, log, now: deps.now, bulk: deps.bulk },
          {
            admin,
            dataset,
            fileName,
            sourceKey: key,
            versionId,
            open: () => deps.store.getStream(key),
            localPath: localFile(deps.store, key),
          },
        );
        results.push({
          key,
          uploadId: manifest.uploadId,
          status: manifest.status,
          rowsIn: manifest.rowsIn,
          rowsAccepted: manifest.rowsAccepted,
          rowsRejected: manifest.rowsRejected,
        });
      } catch (err) {
        if (!(err instanceof IngestInputError)) throw err;
        log(`ingest: rejected ${key}: ${err.message}`);
        results.push({ key, status: 'skipped', reason: err.message });
      }
    }
    return { results };
  };
  return middy<IngestEvent, { results: IngestResult[] }>().handler(handle);
}
