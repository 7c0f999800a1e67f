import { S3Client } from '@aws-sdk/client-s3';
import { LAKE_LAYOUT } from '../shared/adapters/lake-layout.ts';
import { PrefixRoutedObjectStore } from '../shared/adapters/prefix-routed-object-store.ts';
import { S3ObjectStore } from '../shared/adapters/s3-object-store.ts';
import { requireEnv } from './lambda-env.ts';

/** The environment variables naming the three data buckets (set by CDK on every function that uses the lake). */
export const BUCKET_ENV = {
  uploads: 'UPLOADS_BUCKET',
  curated: 'CURATED_BUCKET',
  results: 'RESULTS_BUCKET',
} as const;

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
  const store = (bucket: keyof typeof BUCKET_ENV) => new S3ObjectStore(s3, env[BUCKET_ENV[bucket]] as string);
  return new PrefixRoutedObjectStore(
    [
      { segments: LAKE_LAYOUT.uploads, store: store('uploads') },
      { segments: LAKE_LAYOUT.curated, store: store('curated') },
    ],
    store('results'),
  );
}

/** The uploads bucket, for presigned upload URLs (their keys are uploads/...). */
export function uploadsBucket(): string {
  return requireEnv(BUCKET_ENV.uploads);
}
