import { z } from 'zod';
import { parseInput, runRefSchema, type StageResult, stageResultSchema } from '../contracts.ts';
import { type PipelineDeps, runStage } from '../stage.ts';

const input = z.object({ run: runRefSchema, scraped: z.array(stageResultSchema) });

/**
 * Gathers what the ScrapePrices Map produced (one result per source) into the run's prices output. Observations are
 * already written by the crawler as the lake's `prices` dataset; this stage records where they are and how many.
 */
export async function ingestPriceObservations(deps: PipelineDeps, event: unknown): Promise<StageResult> {
  const { run, scraped } = parseInput('IngestPriceObservations', input, event);
  return runStage(deps, run, 'IngestPriceObservations', async () => {
    if (scraped.length === 0)
      return {
        series: 'prices',
        locations: [],
        summary: { sources: 0 },
        skipped: 'no price sources configured',
      };
    const locations = scraped.flatMap((s) => s.locations);
    const observations = scraped.reduce((n, s) => n + Number(s.summary.observations ?? 0), 0);
    return { series: 'prices', locations, summary: { sources: scraped.length, observations } };
  });
}
