import { Fn, Validations } from 'aws-cdk-lib';
import { type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { BUCKET_PREFIX, type LakeBucket, type LakeRefs } from './lake-refs.ts';

/** What a handler may do in the lake, declared per handler in cdk/handlers.ts. */
export interface LakeAccess {
  /** Buckets it reads objects from (under the bucket's own prefix only). */
  read?: LakeBucket[];
  /** Buckets it writes objects to (under the bucket's own prefix only). */
  write?: LakeBucket[];
  /** Runs Athena queries in the lake's workgroup over the Glue tables. */
  athena?: boolean;
  /** Reads the per-administration pseudonymisation keys. */
  pseudonymKeys?: boolean;
}

/**
 * Writes explicit, minimal statements instead of CDK's bucket.grantRead/grantWrite, which add wildcard
 * actions (s3:GetObject*, s3:List*, kms:ReEncrypt*, ...) a reviewer would have to accept.
 * Returns nothing: every object-ARN wildcard it creates is acknowledged on `ackScope` with its reason.
 */
export function grantLakeAccess(role: IRole, ackScope: IConstruct, lake: LakeRefs, access: LakeAccess): void {
  const read = new Set(access.read ?? []);
  const write = new Set(access.write ?? []);
  if (access.athena) {
    // Athena reads the tables' data and writes query results as the caller.
    read.add('curated');
    read.add('athenaResults');
    write.add('athenaResults');
  }
  const objects = (b: LakeBucket) => Fn.join('', [lake.buckets[b].bucketArn, `/${BUCKET_PREFIX[b]}*`]);
  const ackObjects = (b: LakeBucket, how: string) =>
    Validations.of(ackScope).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${lake.bucketArnExport[b]}/${BUCKET_PREFIX[b]}*]`,
      reason: `S3 object ARNs name keys; the wildcard is limited to the ${BUCKET_PREFIX[b]} prefix of the ${b} bucket (${how}).`,
    });

  for (const b of read) {
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [objects(b)] }));
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket', 's3:GetBucketLocation'],
        resources: [lake.buckets[b].bucketArn],
      }),
    );
    ackObjects(b, write.has(b) ? 'read and write' : 'read');
  }
  for (const b of write) {
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['s3:PutObject', 's3:AbortMultipartUpload'], resources: [objects(b)] }),
    );
    ackObjects(b, read.has(b) ? 'read and write' : 'write');
  }
  if (read.size > 0 || access.pseudonymKeys) {
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['kms:Decrypt'], resources: [lake.key.keyArn] }),
    );
  }
  if (write.size > 0) {
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['kms:GenerateDataKey'], resources: [lake.key.keyArn] }),
    );
  }
  if (access.athena) {
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: [
          'athena:StartQueryExecution',
          'athena:GetQueryExecution',
          'athena:GetQueryResults',
          'athena:StopQueryExecution',
        ],
        resources: [lake.workGroupArn],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['glue:GetDatabase', 'glue:GetTable'], resources: lake.glueReadArns }),
    );
  }
  if (access.pseudonymKeys) {
    for (const secret of lake.pseudonymKeys.values()) secret.grantRead(role);
  }
}
