import { Aws, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import { CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { LakeDataset } from '../lake-datasets.ts';

export interface LakeCatalogProps {
  envName: string;
  curated: IBucket;
  athenaResults: IBucket;
  key: IKey;
  datasets: readonly LakeDataset[];
  bytesScannedCutoffPerQuery: number;
  removalPolicy: RemovalPolicy;
}

/** The partition layout every dataset shares (see docs/deploy.md and the ingest writer). */
export const PARTITION_KEYS = [
  { name: 'administration', type: 'string' },
  { name: 'year', type: 'int' },
  { name: 'month', type: 'int' },
] as const;

/**
 * Glue tables with partition projection over curated/<dataset>/administration=/year=/month=, and the
 * Athena workgroup every query runs in.
 *
 * Partition projection instead of crawlers or MSCK REPAIR: partitions are computed from the query, so a
 * new month or administration is queryable the moment its Parquet lands, with no catalogue writes.
 * `administration` is an *injected* projection: Athena refuses a query on these tables unless it names
 * the administration(s) in its WHERE clause, which backs tenant isolation in the data layer itself.
 */
export class LakeCatalog extends Construct {
  readonly databaseName: string;
  readonly workGroupName: string;
  readonly workGroupArn: string;
  readonly tableNames: string[];

  constructor(scope: Construct, id: string, props: LakeCatalogProps) {
    super(scope, id);
    this.databaseName = `bacuda_${props.envName}`;
    const database = new CfnDatabase(this, 'Database', {
      catalogId: Aws.ACCOUNT_ID,
      databaseInput: {
        name: this.databaseName,
        description: 'bacuda curated lake: pseudonymised, partitioned Parquet',
      },
    });
    database.applyRemovalPolicy(props.removalPolicy);

    this.tableNames = [];
    for (const ds of props.datasets) {
      const location = `s3://${props.curated.bucketName}/curated/${ds.name}/`;
      const table = new CfnTable(this, `Table-${ds.name}`, {
        catalogId: Aws.ACCOUNT_ID,
        databaseName: this.databaseName,
        tableInput: {
          name: ds.name,
          description: ds.description,
          tableType: 'EXTERNAL_TABLE',
          parameters: {
            classification: 'parquet',
            EXTERNAL: 'TRUE',
            'parquet.compression': 'SNAPPY',
            'projection.enabled': 'true',
            'projection.administration.type': 'injected',
            'projection.year.type': 'integer',
            'projection.year.range': '2000,2100',
            'projection.month.type': 'integer',
            'projection.month.range': '1,12',
            'projection.month.digits': '2',
            'storage.location.template': `${location}administration=\${administration}/year=\${year}/month=\${month}/`,
          },
          partitionKeys: PARTITION_KEYS.map((k) => ({ name: k.name, type: k.type })),
          storageDescriptor: {
            location,
            inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
            outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
            serdeInfo: {
              serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
            },
            columns: ds.columns.map((c) => ({ name: c.name, type: c.type, comment: c.comment })),
          },
        },
      });
      table.addResourceDependency(database);
      table.applyRemovalPolicy(props.removalPolicy);
      this.tableNames.push(ds.name);
    }

    this.workGroupName = `bacuda-${props.envName}`;
    const workGroup = new CfnWorkGroup(this, 'WorkGroup', {
      name: this.workGroupName,
      description: 'bacuda queries: enforced encryption, result location and per-query scan limit',
      state: 'ENABLED',
      recursiveDeleteOption: false,
      workGroupConfiguration: {
        // Clients cannot override the output location, encryption or the scan limit.
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${props.athenaResults.bucketName}/athena-results/`,
          expectedBucketOwner: Aws.ACCOUNT_ID,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: props.key.keyArn },
        },
      },
    });
    workGroup.applyRemovalPolicy(props.removalPolicy);
    this.workGroupArn = Stack.of(this).formatArn({
      service: 'athena',
      resource: 'workgroup',
      resourceName: this.workGroupName,
    });
  }
}
