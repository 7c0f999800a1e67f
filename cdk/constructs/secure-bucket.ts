import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  type IBucket,
  type LifecycleRule,
  ObjectOwnership,
  StorageClass,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface SecureBucketProps {
  /** Customer-managed key for SSE-KMS. */
  encryptionKey: IKey;
  /** Where S3 server access logs go; the prefix is the construct id. */
  accessLogs: IBucket;
  removalPolicy: RemovalPolicy;
  /** Extra lifecycle rules; every bucket also expires old versions and aborts stale multipart uploads. */
  lifecycleRules?: LifecycleRule[];
  /** Sends object events to EventBridge (upload and curated triggers). */
  eventBridgeEnabled?: boolean;
  /** Days after which non-current versions are deleted (default 90). */
  noncurrentVersionDays?: number;
}

/**
 * An S3 bucket with the defaults a customs data owner expects: no public access, SSE-KMS with a
 * bucket key (fewer KMS calls, lower cost), TLS-only access, versioning, server access logs, and
 * lifecycle rules that bound what old versions and failed uploads cost.
 */
export class SecureBucket extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.KMS,
      encryptionKey: props.encryptionKey,
      bucketKeyEnabled: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: `${id.toLowerCase()}/`,
      removalPolicy: props.removalPolicy,
      lifecycleRules: [
        {
          id: 'expire-noncurrent-versions',
          noncurrentVersionExpiration: Duration.days(props.noncurrentVersionDays ?? 90),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
          expiredObjectDeleteMarker: true,
        },
        ...(props.lifecycleRules ?? []),
      ],
    });
    if (props.eventBridgeEnabled) {
      // Set on the L1 bucket: the L2 `eventBridgeEnabled` prop deploys a notifications custom-resource
      // Lambda (with an AWS-managed policy) only to merge with notifications set outside CloudFormation.
      (this.bucket.node.defaultChild as CfnBucket).notificationConfiguration = {
        eventBridgeConfiguration: { eventBridgeEnabled: true },
      };
    }
  }
}

/** Lifecycle rule: move objects to Infrequent Access after `days` (curated data is read weekly at most). */
export function toInfrequentAccessAfter(days: number): LifecycleRule {
  return {
    id: `infrequent-access-after-${days}d`,
    transitions: [{ storageClass: StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(days) }],
  };
}

/** Lifecycle rule: delete current objects after `days` (raw uploads, Athena scratch results). */
export function expireAfter(days: number): LifecycleRule {
  return { id: `expire-after-${days}d`, expiration: Duration.days(days) };
}
