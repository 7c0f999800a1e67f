import { S3Client } from '@aws-sdk/client-s3';
import {
  BUCKET_ENV,
  FALLBACK_BUCKET,
  LAKE_LAYOUT,
  type LakeDataBucket,
} from '../shared/adapters/lake-layout.ts';
import { PrefixRoutedObjectStore } from '../shared/adapters/prefix-routed-object-store.ts';
import { S3ObjectStore } from '../shared/adapters/s3-object-store.ts';
import { requireEnv } from './lambda-env.ts';

/**
 * The lake as one ObjectStore: uploads/ and quarantine/ in the uploads bucket, curated/ in the curated
 * bucket, everything else in the results bucket (see shared/adapters/lake-layout.ts). Throws at cold start
 * when a bucket variable is missing.
 */
export function cloudObjectStore(
  env: Record<string, string | undefined> = process.env,
  s3: S3Client = new S3Client({}),
): PrefixRoutedObjectStore {
  const missing = Object.values(BUCKET_ENV).filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`environment variable(s) not set: ${missing.join(', ')}`);
  const store = (bucket: LakeDataBucket) => new S3ObjectStore(s3, env[BUCKET_ENV[bucket]] as string);
  const buckets = Object.keys(LAKE_LAYOUT) as LakeDataBucket[];
  return new PrefixRoutedObjectStore(
    buckets.filter((b) => b !== FALLBACK_BUCKET).map((b) => ({ segments: LAKE_LAYOUT[b], store: store(b) })),
    store(FALLBACK_BUCKET),
  );
}

/** The uploads bucket, for presigned upload URLs (their keys are uploads/...). */
export function uploadsBucket(): string {
  return requireEnv(BUCKET_ENV.uploads);
}
