import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { DATASETS } from '../../ingest/datasets.ts';
import { ingestUpload } from '../../ingest/ingest.ts';
import type { PseudonymKeyStore } from '../../ingest/pseudonymise.ts';
import { parseInput, runRefSchema, type StageResult, stageResultSchema } from '../contracts.ts';
import { ValidationError } from '../errors.ts';
import { type PipelineDeps, runStage } from '../stage.ts';
import { putJson, stagingPrefix } from './staging.ts';

const input = z.object({ run: runRefSchema, scraped: z.array(stageResultSchema) });

/**
 * The prices dataset has no identifier fields, so ingestUpload never pseudonymises anything in it; a throwaway key
 * satisfies its interface without the pipeline function needing the administrations' pseudonymisation secrets.
 * The check below keeps that true: a new identifier field in the dataset makes this stage refuse to run.
 */
const NO_IDENTIFIERS: PseudonymKeyStore = {
  async keyFor() {
    if (DATASETS.prices.fields.some((f) => f.kind === 'identifier'))
      throw new Error(
        'the prices dataset has identifier fields: IngestPriceObservations needs the key store',
      );
    return randomBytes(32);
  },
};

/**
 * Ingests each crawl's observations upload (uploads/<ADMIN>/prices/*.csv, written by ScrapeSource) into the lake's
 * `prices` dataset exactly as an uploaded file is ingested (validated, partitioned Parquet, quarantine, manifest),
 * and stages a summary of the crawl and the ingest as the run's prices output. Ingest is idempotent: the same bytes
 * ingested before (by the upload trigger, or by an earlier attempt) are recorded as a duplicate, not added twice.
 */
export async function ingestPriceObservations(deps: PipelineDeps, event: unknown): Promise<StageResult> {
  const { run, scraped } = parseInput('IngestPriceObservations', input, event);
  const admin = run.administration;
  return runStage(deps, run, 'IngestPriceObservations', async () => {
    if (scraped.length === 0)
      return {
        series: 'prices',
        locations: [],
        summary: { sources: 0 },
        skipped: 'no price sources configured',
      };
    const prefix = `uploads/${admin}/prices/`;
    const sources = [];
    let rowsAccepted = 0;
    let rowsRejected = 0;
    for (const s of scraped) {
      const key = s.summary.observationsKey;
      let ingest = null;
      if (typeof key === 'string' && key) {
        if (!key.startsWith(prefix) || key.slice(prefix.length).includes('/'))
          throw new ValidationError(
            `IngestPriceObservations: ${key} is not an observations upload of ${admin}`,
          );
        const m = await ingestUpload(
          { store: deps.store, keys: NO_IDENTIFIERS, now: deps.now, log: deps.log },
          {
            admin,
            dataset: 'prices',
            fileName: key.slice(prefix.length),
            sourceKey: key,
            open: () => deps.store.getStream(key),
          },
        );
        if (m.status === 'unreadable')
          throw new ValidationError(`IngestPriceObservations: ${key} could not be ingested: ${m.error}`);
        const accepted = m.status === 'ingested' ? m.rowsAccepted : 0;
        rowsAccepted += accepted;
        rowsRejected += m.rowsRejected;
        ingest = {
          key,
          uploadId: m.uploadId,
          status: m.status,
          rowsAccepted: accepted,
          rowsRejected: m.rowsRejected,
          quarantine: m.quarantine?.key ?? null,
        };
      }
      sources.push({ ...s.summary, skippedReason: s.skipped ?? null, ingest });
    }
    const summaryKey = `${stagingPrefix(run, 'prices')}observations.json`;
    const summary = {
      sources: scraped.length,
      observations: scraped.reduce((n, s) => n + Number(s.summary.observations ?? 0), 0),
      rowsAccepted,
      rowsRejected,
    };
    await putJson(deps.store, summaryKey, {
      administration: admin,
      runId: run.runId,
      ...summary,
      perSource: sources,
    });
    deps.log?.(
      `IngestPriceObservations: ${admin}: ${summary.observations} observation(s) from ${summary.sources} source(s), ${rowsAccepted} ingested, ${rowsRejected} rejected`,
    );
    return { series: 'prices', locations: [summaryKey], summary };
  });
}
