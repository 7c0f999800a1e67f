import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { expireAfter, SecureBucket, toInfrequentAccessAfter } from './secure-bucket.ts';

export interface DataLakeProps {
  envName: string;
  removalPolicy: RemovalPolicy;
  /** Days server access logs are kept (default 365: one audit year). */
  accessLogDays?: number;
}

/**
 * The buckets of the lake: uploads (files as received), curated (the Parquet Athena reads), results (analysis
 * outputs and the platform's records), Athena's scratch results, and access logs.
 */
export class DataLake extends Construct {
  /** Encrypts every bucket, secret and the Athena results of the lake; rotated yearly by KMS. */
  readonly key: Key;
  readonly accessLogs: Bucket;
  /** uploads/ and quarantine/: raw files as received and the rows ingest rejected. */
  readonly uploads: Bucket;
  /** curated/: validated, pseudonymised Parquet behind the Glue tables. */
  readonly curated: Bucket;
  /** results/, models/, manifests/, access/, audit/ ... (shared/adapters/lake-layout.ts). */
  readonly results: Bucket;
  readonly athenaResults: Bucket;

  constructor(scope: Construct, id: string, props: DataLakeProps) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: `bacuda ${props.envName}: data lake, pseudonymisation keys and query results`,
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
      pendingWindow: Duration.days(30),
    });

    // S3 server access logging only delivers to buckets with SSE-S3 default encryption (AWS does not
    // support SSE-KMS targets), so this one bucket uses S3-managed keys. It holds no customs data.
    this.accessLogs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: props.removalPolicy,
      lifecycleRules: [
        {
          id: 'expire-access-logs',
          expiration: Duration.days(props.accessLogDays ?? 365),
          noncurrentVersionExpiration: Duration.days(30),
        },
      ],
    });
    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the server access log target; logging it into itself would loop.',
    });
    Validations.of(this.accessLogs).acknowledge({
      id: 'NIST.800.53.R5-S3BucketLoggingEnabled',
      reason: 'This is the server access log target; logging it into itself would loop.',
    });
    Validations.of(this.accessLogs).acknowledge({
      id: 'NIST.800.53.R5-S3DefaultEncryptionKMS',
      reason: 'S3 server access logging cannot deliver to SSE-KMS buckets; SSE-S3 is the only option.',
    });
    acknowledgeReplication(this.accessLogs);

    // Three data buckets, one key layout: objects keep their top-level prefix in every bucket
    // (s3://<curated>/curated/<dataset>/...), so a key means the same in the cloud and in the local store
    // folder; the Lambdas route keys by first segment (shared/adapters/lake-layout.ts). Separate buckets give
    // each area its own policy, lifecycle, event stream and access-log prefix.
    const common = {
      encryptionKey: this.key,
      accessLogs: this.accessLogs,
      removalPolicy: props.removalPolicy,
    };
    this.uploads = new SecureBucket(this, 'Uploads', {
      ...common,
      // Upload events start ingest (S3 → EventBridge rule).
      eventBridgeEnabled: true,
      // Raw uploads and quarantined rows are re-derivable or disposable once ingested; 90 days leaves time to
      // re-ingest after a mapping fix. Overwritten or deleted versions go after 30 days.
      noncurrentVersionDays: 30,
      lifecycleRules: [expireAfter(90)],
    }).bucket;
    this.curated = new SecureBucket(this, 'Curated', {
      ...common,
      // New curated Parquet starts the upload chain of the pipeline (S3 → EventBridge rule).
      eventBridgeEnabled: true,
      lifecycleRules: [toInfrequentAccessAfter(90)],
    }).bucket;
    // Results, models, access records and the audit log are kept: the data owner approves results and
    // audits access years later. Older objects move to Infrequent Access.
    this.results = new SecureBucket(this, 'Results', {
      ...common,
      lifecycleRules: [toInfrequentAccessAfter(180)],
    }).bucket;
    // Athena query results are scratch copies: every result worth keeping is written to results/.
    this.athenaResults = new SecureBucket(this, 'AthenaResults', {
      ...common,
      noncurrentVersionDays: 1,
      lifecycleRules: [expireAfter(7)],
    }).bucket;
    for (const b of [this.uploads, this.curated, this.results, this.athenaResults]) acknowledgeReplication(b);
  }
}

function acknowledgeReplication(bucket: Bucket): void {
  Validations.of(bucket).acknowledge({
    id: 'NIST.800.53.R5-S3BucketReplicationEnabled',
    reason:
      'Data residency: member administrations require their customs data to stay in the deployment ' +
      'region; durability comes from S3 (11 nines) plus versioning, not from cross-region copies.',
  });
}
