import type { PipelineDeps } from '../../shared/pipeline/stage.ts';
import { makeStageHandler } from '../pipeline-common/make-stage-handler.ts';

/** Task handler of the pipeline's PrepareUpload function (see shared/pipeline/pipeline.asl.json). */
export function makePrepareUploadHandler(deps: PipelineDeps) {
  return makeStageHandler('PrepareUpload', deps);
}
