import { z } from 'zod';
import { parseInput, priceSourceSchema, runRefSchema, type StageResult } from '../contracts.ts';
import { ValidationError } from '../errors.ts';
import { type PipelineDeps, runStage } from '../stage.ts';

const input = z.object({ run: runRefSchema, source: priceSourceSchema });

/**
 * Crawls one configured price source. The crawler belongs to the prices Series (robots.txt, per-host politeness,
 * retries, raw snapshots to raw/prices/<ADMIN>/<date>/); until it is available this stage refuses configured
 * sources with a ValidationError rather than pretend to have scraped them.
 */
export async function scrapeSource(deps: PipelineDeps, event: unknown): Promise<StageResult> {
  const { run, source } = parseInput('ScrapeSource', input, event);
  return runStage(deps, run, `ScrapeSource-${source.id}`, async () => {
    throw new ValidationError(
      `ScrapeSource: source ${source.id} of ${run.administration} cannot be crawled: the prices crawler is not part of this build`,
    );
  });
}
