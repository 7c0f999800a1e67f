import { Fn, Validations } from 'aws-cdk-lib';
import { type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { AREA_LOCATION, type LakeArea, type LakeBucket, type LakeRefs } from './lake-refs.ts';

/** What a handler may do in the lake, declared per handler in cdk/handlers.ts. */
export interface LakeAccess {
  /** Key areas it reads objects from (their prefixes in their bucket only; see AREA_LOCATION). */
  read?: LakeArea[];
  /** Key areas it writes (puts and deletes) objects in. */
  write?: LakeArea[];
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
  const objects = (area: LakeArea) => {
    const { bucket, prefixes } = AREA_LOCATION[area];
    return prefixes.map((p) => Fn.join('', [lake.buckets[bucket].bucketArn, `/${p}*`]));
  };
  const ackObjects = (area: LakeArea, how: string) => {
    const { bucket, prefixes } = AREA_LOCATION[area];
    for (const p of prefixes) {
      Validations.of(ackScope).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${lake.bucketArnExport[bucket]}/${p}*]`,
        reason: `S3 object ARNs name keys; the wildcard is limited to the ${p} prefix of the ${bucket} bucket (${how}).`,
      });
    }
  };

  for (const area of read) {
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: objects(area) }));
    ackObjects(area, write.has(area) ? 'read and write' : 'read');
  }
  // Listing is a bucket-level permission: one statement per bucket any read area lives in.
  const listed = new Set<LakeBucket>([...read].map((area) => AREA_LOCATION[area].bucket));
  for (const bucket of listed) {
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket', 's3:GetBucketLocation'],
        resources: [lake.buckets[bucket].bucketArn],
      }),
    );
  }
  for (const area of write) {
    // DeleteObject: ingest replaces a partition's files and drops a discarded quarantine file; the failure
    // recorder withdraws a preliminary result. With versioning a delete only adds a delete marker. Athena
    // never deletes its results (the bucket's lifecycle does).
    const deletes = area === 'athenaResults' ? [] : ['s3:DeleteObject'];
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:PutObject', 's3:AbortMultipartUpload', ...deletes],
        resources: objects(area),
      }),
    );
    ackObjects(area, read.has(area) ? 'read and write' : 'write');
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
