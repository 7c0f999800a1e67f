import { AthenaClient } from '@aws-sdk/client-athena';
import { AthenaQueryEngine } from '../../shared/adapters/athena-query-engine.ts';
import type { PipelineDeps } from '../../shared/pipeline/stage.ts';
import { cloudObjectStore } from '../cloud-store.ts';

/** Cloud adapters for a pipeline Lambda, configured by the environment CDK sets. */
export function cloudPipelineDeps(): PipelineDeps {
  return {
    store: cloudObjectStore(),
    // Athena is only contacted when a stage queries; stages that do not (publish, record failure) never need it.
    query: new AthenaQueryEngine(new AthenaClient({}), {
      workGroup: process.env.ATHENA_WORKGROUP ?? 'primary',
      database: process.env.GLUE_DATABASE ?? 'bacuda',
    }),
    now: () => new Date(),
    log: (line) => console.log(line),
  };
}
