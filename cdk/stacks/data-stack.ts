import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { EnvConfig } from '../config.ts';
import { DataLake } from '../constructs/data-lake.ts';
import { LakeCatalog } from '../constructs/lake-catalog.ts';
import { PseudonymKeys } from '../constructs/pseudonym-keys.ts';
import type { LakeDataset } from '../lake-datasets.ts';

export interface DataStackProps extends StackProps {
  config: EnvConfig;
  datasets: readonly LakeDataset[];
}

/** Everything that holds customs data: kept on `cdk destroy` in prod, changed rarely. */
export class DataStack extends Stack {
  readonly lake: DataLake;
  readonly catalog: LakeCatalog;
  readonly pseudonymKeys: PseudonymKeys;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.lake = new DataLake(this, 'Lake', { envName: config.envName, removalPolicy: config.removalPolicy });
    this.catalog = new LakeCatalog(this, 'Catalog', {
      envName: config.envName,
      curated: this.lake.curated,
      athenaResults: this.lake.athenaResults,
      key: this.lake.key,
      datasets: props.datasets,
      bytesScannedCutoffPerQuery: config.athenaBytesScannedCutoffPerQuery,
      removalPolicy: config.removalPolicy,
    });
    this.pseudonymKeys = new PseudonymKeys(this, 'PseudonymKeys', {
      envName: config.envName,
      administrations: config.administrations,
      key: this.lake.key,
      removalPolicy: config.removalPolicy,
    });
  }
}
