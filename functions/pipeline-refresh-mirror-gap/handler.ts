import type { PipelineDeps } from '../../shared/pipeline/stage.ts';
import { makeStageHandler } from '../pipeline-common/make-stage-handler.ts';

/** Task handler of the pipeline's RefreshMirrorGap function (see shared/pipeline/pipeline.asl.json). */
export function makeRefreshMirrorGapHandler(deps: PipelineDeps) {
  return makeStageHandler('RefreshMirrorGap', deps);
}
