/**
 * Which bucket holds which top-level key segment in the cloud. One key layout serves every handler
 * (`uploads/<ADMIN>/<dataset>/<file>`, `curated/<dataset>/administration=<A>/...`, `results/...`); the
 * cloud store routes each key to its bucket by the first segment (PrefixRoutedObjectStore), and the CDK
 * app grants each handler exactly these prefixes of each bucket. No AWS imports: CDK reads it too.
 *
 * A new top-level segment must be added here, or the cloud store sends it to the results bucket where
 * IAM does not allow it (the grants list these segments only).
 */
export const LAKE_LAYOUT = {
  /** Files as received, and the uploads ingest rejected: both expire. */
  uploads: ['uploads', 'quarantine'],
  /** Validated, pseudonymised Parquet: what the Glue tables read. */
  curated: ['curated'],
  /** The platform's own records: analysis results, models, manifests, ingest state, access records,
   * the audit log, per-administration configuration, raw price-page snapshots, local alarms. */
  results: ['results', 'models', 'manifests', 'state', 'access', 'audit', 'config', 'raw', 'alarms'],
} as const satisfies Record<string, readonly string[]>;

export type LakeDataBucket = keyof typeof LAKE_LAYOUT;

/** Where keys whose first segment is not listed go. */
export const FALLBACK_BUCKET: LakeDataBucket = 'results';

/** The environment variable naming each data bucket (set by CDK, read by functions/cloud-store.ts). */
export const BUCKET_ENV: Record<LakeDataBucket, string> = {
  uploads: 'UPLOADS_BUCKET',
  curated: 'CURATED_BUCKET',
  results: 'RESULTS_BUCKET',
};
