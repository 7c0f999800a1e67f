import { AthenaClient } from '@aws-sdk/client-athena';
import { S3Client } from '@aws-sdk/client-s3';
import { AthenaQueryEngine } from '../../shared/adapters/athena-query-engine.ts';
import { S3ObjectStore } from '../../shared/adapters/s3-object-store.ts';
import type { PipelineDeps } from '../../shared/pipeline/stage.ts';
import { requireEnv } from '../lambda-env.ts';

/** Cloud adapters for a pipeline Lambda, configured by the environment CDK sets. */
export function cloudPipelineDeps(): PipelineDeps {
  return {
    store: new S3ObjectStore(new S3Client({}), requireEnv('DATA_BUCKET')),
    // Athena is only contacted when a stage queries; stages that do not (publish, record failure) never need it.
    query: new AthenaQueryEngine(new AthenaClient({}), {
      workGroup: process.env.ATHENA_WORKGROUP ?? 'primary',
      database: process.env.GLUE_DATABASE ?? 'bacuda',
    }),
    now: () => new Date(),
    log: (line) => console.log(line),
  };
}
