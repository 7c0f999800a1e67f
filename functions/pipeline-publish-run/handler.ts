import type { PipelineDeps } from '../../shared/pipeline/stage.ts';
import { makeStageHandler } from '../pipeline-common/make-stage-handler.ts';

/** Task handler of the pipeline's PublishRun function (see shared/pipeline/pipeline.asl.json). */
export function makePublishRunHandler(deps: PipelineDeps) {
  return makeStageHandler('PublishRun', deps);
}
