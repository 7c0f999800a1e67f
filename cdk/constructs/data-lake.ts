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

/** The buckets of the lake: data (uploads/, curated/, results/), Athena's scratch results, access logs. */
export class DataLake extends Construct {
  /** Encrypts every bucket, secret and the Athena results of the lake; rotated yearly by KMS. */
  readonly key: Key;
  readonly accessLogs: Bucket;
  /** uploads/, curated/ and results/ (see below). */
  readonly data: Bucket;
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

    // One data bucket, three key areas: uploads/ (raw files as received), curated/ (validated, pseudonymised
    // Parquet) and results/ (analysis outputs, run records). The keys are the ones the local store folder
    // uses, so one ObjectStore serves every handler; IAM policies, lifecycle rules and event rules are all
    // scoped by prefix, which isolates the areas as separate buckets would.
    const common = {
      encryptionKey: this.key,
      accessLogs: this.accessLogs,
      removalPolicy: props.removalPolicy,
    };
    this.data = new SecureBucket(this, 'Data', {
      ...common,
      eventBridgeEnabled: true,
      lifecycleRules: [
        // Raw uploads are re-derivable once curated; 90 days leaves time to re-ingest after a mapping fix.
        { ...expireAfter(90), id: 'uploads-expire-90d', prefix: 'uploads/' },
        { ...toInfrequentAccessAfter(90), id: 'curated-ia-90d', prefix: 'curated/' },
        { ...toInfrequentAccessAfter(180), id: 'results-ia-180d', prefix: 'results/' },
      ],
    }).bucket;
    // Athena query results are scratch copies: every result worth keeping is written to results/.
    this.athenaResults = new SecureBucket(this, 'AthenaResults', {
      ...common,
      noncurrentVersionDays: 1,
      lifecycleRules: [expireAfter(7)],
    }).bucket;
    for (const b of [this.data, this.athenaResults]) acknowledgeReplication(b);
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
