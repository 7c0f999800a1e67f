import { cloudPipelineDeps } from '../pipeline-common/cloud-deps.ts';
import { makeRecordFailureHandler } from './handler.ts';

// Lambda entry: S3 + Athena, configured by the environment CDK sets.
export const handler = makeRecordFailureHandler(cloudPipelineDeps());
