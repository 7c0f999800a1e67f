import { cloudPipelineDeps } from '../pipeline-common/cloud-deps.ts';
import { withPowertools } from '../powertools.ts';
import { makeScoreFraudPartitionHandler } from './handler.ts';

// Lambda entry: S3 + Athena, configured by the environment CDK sets.
export const handler = withPowertools(makeScoreFraudPartitionHandler(cloudPipelineDeps()));
