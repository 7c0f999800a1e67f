import type { PipelineDeps } from '../../shared/pipeline/stage.ts';
import { makeStageHandler } from '../pipeline-common/make-stage-handler.ts';

/** Task handler of the pipeline's ScrapeSource function (see shared/pipeline/pipeline.asl.json). */
export function makeScrapeSourceHandler(deps: PipelineDeps) {
  return makeStageHandler('ScrapeSource', deps);
}
