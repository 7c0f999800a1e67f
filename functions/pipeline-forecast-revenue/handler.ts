import type { PipelineDeps } from '../../shared/pipeline/stage.ts';
import { makeStageHandler } from '../pipeline-common/make-stage-handler.ts';

/** Task handler of the pipeline's ForecastRevenue function (see shared/pipeline/pipeline.asl.json). */
export function makeForecastRevenueHandler(deps: PipelineDeps) {
  return makeStageHandler('ForecastRevenue', deps);
}
