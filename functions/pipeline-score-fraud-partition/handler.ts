import type { PipelineDeps } from '../../shared/pipeline/stage.ts';
import { makeStageHandler } from '../pipeline-common/make-stage-handler.ts';

/** Task handler of the pipeline's ScoreFraudPartition function (see shared/pipeline/pipeline.asl.json). */
export function makeScoreFraudPartitionHandler(deps: PipelineDeps) {
  return makeStageHandler('ScoreFraudPartition', deps);
}
