import { CfnOutput, Fn, Stack } from 'aws-cdk-lib';
import { type IKey, Key } from 'aws-cdk-lib/aws-kms';
import { Bucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { DataStack } from '../stacks/data-stack.ts';

/** Key areas of the lake: the first three share the data bucket, athenaResults has its own. */
export const LAKE_AREAS = ['uploads', 'curated', 'results', 'athenaResults'] as const;
export type LakeBucket = (typeof LAKE_AREAS)[number];
const PHYSICAL = ['data', 'athenaResults'] as const;
const physicalOf = (area: LakeBucket) => (area === 'athenaResults' ? 'athenaResults' : 'data');

/**
 * Top-level key prefix of each bucket. Keys keep their prefix in S3 (s3://<curated>/curated/...) so that
 * an object key means the same thing in the cloud and in the local store folder.
 */
export const BUCKET_PREFIX: Record<LakeBucket, string> = {
  uploads: 'uploads/',
  curated: 'curated/',
  results: 'results/',
  athenaResults: 'athena-results/',
};

/** What the service stack knows of the data stack, all through named exports. Indexed by key area. */
export interface LakeRefs {
  envName: string;
  key: IKey;
  buckets: Record<LakeBucket, IBucket>;
  /** Export names of each bucket's ARN: they are also how cdk-nag prints resources built on them. */
  bucketArnExport: Record<LakeBucket, string>;
  databaseName: string;
  workGroupName: string;
  workGroupArn: string;
  glueReadArns: string[];
  pseudonymKeyPrefix: string;
  pseudonymKeys: Map<string, ISecret>;
}

const exportName = (envName: string, what: string) => `bacuda-${envName}-${what}`;

/**
 * Publishes the data stack's bucket and key identifiers under fixed export names. Named exports (rather
 * than CDK's automatic cross-stack references) keep the consumer's IAM policies readable and stable:
 * a policy resource reads `bacuda-prod-curated-arn/curated/*`, not a generated hash.
 */
export function exportLake(stack: DataStack, envName: string): void {
  const { lake } = stack;
  const buckets = { data: lake.data, athenaResults: lake.athenaResults };
  for (const name of PHYSICAL) {
    new CfnOutput(stack, `${name}Arn`, {
      value: buckets[name].bucketArn,
      exportName: exportName(envName, `${name}-arn`),
    });
    new CfnOutput(stack, `${name}Name`, {
      value: buckets[name].bucketName,
      exportName: exportName(envName, `${name}-name`),
    });
  }
  new CfnOutput(stack, 'LakeKeyArn', {
    value: lake.key.keyArn,
    exportName: exportName(envName, 'lake-key-arn'),
  });
}

/** Builds LakeRefs inside a consumer stack from the data stack's named exports. */
export function importLake(scope: Construct, data: DataStack, envName: string): LakeRefs {
  const key = Key.fromKeyArn(scope, 'LakeKey', Fn.importValue(exportName(envName, 'lake-key-arn')));
  const physical = new Map<string, IBucket>();
  for (const name of PHYSICAL) {
    physical.set(
      name,
      Bucket.fromBucketAttributes(scope, `Lake-${name}`, {
        bucketArn: Fn.importValue(exportName(envName, `${name}-arn`)),
        bucketName: Fn.importValue(exportName(envName, `${name}-name`)),
        encryptionKey: key,
      }),
    );
  }
  const bucketArnExport = {} as Record<LakeBucket, string>;
  const buckets = {} as Record<LakeBucket, IBucket>;
  for (const area of LAKE_AREAS) {
    bucketArnExport[area] = exportName(envName, `${physicalOf(area)}-arn`);
    buckets[area] = physical.get(physicalOf(area))!;
  }
  const pseudonymKeys = new Map<string, ISecret>();
  for (const admin of data.pseudonymKeys.secrets.keys()) {
    pseudonymKeys.set(
      admin,
      Secret.fromSecretNameV2(scope, `PseudonymKey-${admin}`, `${data.pseudonymKeys.namePrefix}${admin}`),
    );
  }
  const stack = Stack.of(scope);
  const catalog = data.catalog;
  return {
    envName,
    key,
    buckets,
    bucketArnExport,
    databaseName: catalog.databaseName,
    workGroupName: catalog.workGroupName,
    workGroupArn: stack.formatArn({
      service: 'athena',
      resource: 'workgroup',
      resourceName: catalog.workGroupName,
    }),
    glueReadArns: [
      stack.formatArn({ service: 'glue', resource: 'catalog' }),
      stack.formatArn({ service: 'glue', resource: 'database', resourceName: catalog.databaseName }),
      ...catalog.tableNames.map((t) =>
        stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${catalog.databaseName}/${t}` }),
      ),
    ],
    pseudonymKeyPrefix: data.pseudonymKeys.namePrefix,
    pseudonymKeys,
  };
}
