import type { PipelineDeps } from '../../shared/pipeline/stage.ts';
import { makeStageHandler } from '../pipeline-common/make-stage-handler.ts';

/** Task handler of the pipeline's IngestPriceObservations function (see shared/pipeline/pipeline.asl.json). */
export function makeIngestPriceObservationsHandler(deps: PipelineDeps) {
  return makeStageHandler('IngestPriceObservations', deps);
}
