import type { PipelineDeps } from '../../shared/pipeline/stage.ts';
import { makeStageHandler } from '../pipeline-common/make-stage-handler.ts';

/** Task handler of the pipeline's RecordFailure function (see shared/pipeline/pipeline.asl.json). */
export function makeRecordFailureHandler(deps: PipelineDeps) {
  return makeStageHandler('RecordFailure', deps);
}
