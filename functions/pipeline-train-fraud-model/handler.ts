import type { PipelineDeps } from '../../shared/pipeline/stage.ts';
import { makeStageHandler } from '../pipeline-common/make-stage-handler.ts';

/** Task handler of the pipeline's TrainFraudModel function (see shared/pipeline/pipeline.asl.json). */
export function makeTrainFraudModelHandler(deps: PipelineDeps) {
  return makeStageHandler('TrainFraudModel', deps);
}
