import { CfnOutput, Fn, Stack } from 'aws-cdk-lib';
import { type IKey, Key } from 'aws-cdk-lib/aws-kms';
import { Bucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { LAKE_LAYOUT } from '../../shared/adapters/lake-layout.ts';
import type { DataStack } from '../stacks/data-stack.ts';

/** The buckets of the lake, as the service stack names them. */
export const LAKE_BUCKETS = ['uploads', 'curated', 'results', 'athenaResults'] as const;
export type LakeBucket = (typeof LAKE_BUCKETS)[number];

/**
 * Key areas a handler is granted, each a set of top-level prefixes in one bucket. quarantine/ is its own area
 * (in the uploads bucket) so ingest can write rejected rows without being able to overwrite uploads;
 * ingestRecords (mappings, manifests, ingest state) is split from the rest of the results bucket so ingest
 * never sees analysis results, models or access records.
 * The prefixes follow shared/adapters/lake-layout.ts, which is how the Lambdas' store routes keys.
 */
export const LAKE_AREAS = [
  'uploads',
  'quarantine',
  'curated',
  'ingestRecords',
  'results',
  'athenaResults',
] as const;
export type LakeArea = (typeof LAKE_AREAS)[number];

const prefixes = (segments: readonly string[]) => segments.map((s) => `${s}/`);
const INGEST_RECORDS = ['config', 'manifests', 'state'];
export const AREA_LOCATION: Record<LakeArea, { bucket: LakeBucket; prefixes: readonly string[] }> = {
  uploads: { bucket: 'uploads', prefixes: ['uploads/'] },
  quarantine: { bucket: 'uploads', prefixes: ['quarantine/'] },
  curated: { bucket: 'curated', prefixes: prefixes(LAKE_LAYOUT.curated) },
  // Keys keep their prefix in S3 (s3://<results>/models/...) so a key means the same in the cloud and locally.
  ingestRecords: { bucket: 'results', prefixes: prefixes(INGEST_RECORDS) },
  results: {
    bucket: 'results',
    prefixes: prefixes(LAKE_LAYOUT.results.filter((s) => !INGEST_RECORDS.includes(s))),
  },
  athenaResults: { bucket: 'athenaResults', prefixes: ['athena-results/'] },
};

/** What the service stack knows of the data stack, all through named exports. */
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
  const buckets: Record<LakeBucket, IBucket> = {
    uploads: lake.uploads,
    curated: lake.curated,
    results: lake.results,
    athenaResults: lake.athenaResults,
  };
  for (const name of LAKE_BUCKETS) {
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
  const bucketArnExport = {} as Record<LakeBucket, string>;
  const buckets = {} as Record<LakeBucket, IBucket>;
  for (const name of LAKE_BUCKETS) {
    bucketArnExport[name] = exportName(envName, `${name}-arn`);
    buckets[name] = Bucket.fromBucketAttributes(scope, `Lake-${name}`, {
      bucketArn: Fn.importValue(bucketArnExport[name]),
      bucketName: Fn.importValue(exportName(envName, `${name}-name`)),
      encryptionKey: key,
    });
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
