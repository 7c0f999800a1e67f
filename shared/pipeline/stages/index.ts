import type { PipelineFunction } from '../definition.ts';
import type { PipelineDeps } from '../stage.ts';
import { forecastRevenue } from './forecast-revenue.ts';
import { ingestPriceObservations } from './ingest-price-observations.ts';
import { prepareRun } from './prepare-run.ts';
import { prepareUpload } from './prepare-upload.ts';
import { publishRun } from './publish-run.ts';
import { recordFailure } from './record-failure.ts';
import { refreshMirrorGap } from './refresh-mirror-gap.ts';
import { scoreFraudPartition } from './score-fraud-partition.ts';
import { scrapeSource } from './scrape-source.ts';
import { trainFraudModelStage } from './train-fraud-model.ts';

export type StageFn = (deps: PipelineDeps, input: unknown) => Promise<unknown>;

/** The code behind each pipeline function: the Lambda handlers and the local runner both call these. */
export const STAGES: Record<PipelineFunction, StageFn> = {
  PrepareRun: prepareRun,
  PrepareUpload: prepareUpload,
  ScrapeSource: scrapeSource,
  IngestPriceObservations: ingestPriceObservations,
  ForecastRevenue: forecastRevenue,
  TrainFraudModel: trainFraudModelStage,
  ScoreFraudPartition: scoreFraudPartition,
  RefreshMirrorGap: refreshMirrorGap,
  PublishRun: publishRun,
  RecordFailure: recordFailure,
};
