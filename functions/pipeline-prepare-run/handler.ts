import type { PipelineDeps } from '../../shared/pipeline/stage.ts';
import { makeStageHandler } from '../pipeline-common/make-stage-handler.ts';

/** Task handler of the pipeline's PrepareRun function (see shared/pipeline/pipeline.asl.json). */
export function makePrepareRunHandler(deps: PipelineDeps) {
  return makeStageHandler('PrepareRun', deps);
}
