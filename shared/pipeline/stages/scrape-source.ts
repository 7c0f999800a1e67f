import { z } from 'zod';
import { ObjectNotFoundError } from '../../ports/object-store.ts';
import { crawlSource, FxTable, type PricesConfig, parsePricesConfig } from '../../prices/index.ts';
import { runNamedQuery } from '../../queries/index.ts';
import { parseInput, priceSourceSchema, runRefSchema, type StageResult } from '../contracts.ts';
import { TransientError, ValidationError } from '../errors.ts';
import { type PipelineDeps, runStage } from '../stage.ts';
import { sourcesConfigKey } from './prepare-run.ts';

const input = z.object({ run: runRefSchema, source: priceSourceSchema });

/**
 * Crawl time budget, under the state's 900 s TimeoutSeconds: when it runs out the crawl stops fetching and still
 * uploads what it observed (pages not reached are simply not observed this week).
 */
export const CRAWL_BUDGET_MS = 840_000;

/** Skip reasons that say "the shop could not be reached right now", as opposed to "this page has no price". */
const UNREACHABLE = new Set(['timeout', 'network-error', 'http-error', 'retry-after-too-long']);

/**
 * Whether the shop answers at all. The crawler reports every page of a site whose robots.txt is unreachable as
 * robots-disallowed (RFC 9309), the same reason as an explicit Disallow; one request for robots.txt tells a shop
 * that is down (retry later) from one that asks us not to crawl (honoured, not an error).
 */
async function reachable(url: string, settings: PricesConfig['settings']): Promise<boolean> {
  try {
    const res = await fetch(new URL('/robots.txt', url), {
      headers: { 'user-agent': settings.userAgent },
      signal: AbortSignal.timeout(settings.timeoutMs),
      redirect: 'manual',
    });
    await res.body?.cancel();
    return res.status < 500;
  } catch {
    return false;
  }
}

/**
 * The administration's prices configuration (config/<ADMIN>/prices/sources.json): its national currency, sources
 * and crawl settings. Either the one-administration form `{currency, sources, settings?}` or the multi-administration
 * form of docs/prices.md. A missing or invalid file is bad configuration: a ValidationError, never retried.
 */
export async function readPricesConfig(deps: PipelineDeps, admin: string): Promise<PricesConfig> {
  const key = sourcesConfigKey(admin);
  let text: string;
  try {
    text = await deps.store.getText(key);
  } catch (err) {
    if (err instanceof ObjectNotFoundError) throw new ValidationError(`${key} does not exist`);
    throw err;
  }
  try {
    const config = parsePricesConfig(JSON.parse(text), admin);
    if (!config.administrations[admin]) throw new Error(`it has no entry for ${admin}`);
    return config;
  } catch (err) {
    throw new ValidationError(`${key} is not a valid prices configuration: ${(err as Error).message}`);
  }
}

/** Rates to the national currency from the lake's `fx` dataset (empty when none were uploaded). */
async function loadFx(deps: PipelineDeps, admin: string, currency: string): Promise<FxTable> {
  const rows = await runNamedQuery(deps.query, 'fx.rates', admin);
  return new FxTable(
    currency,
    rows.map((r) => ({
      date: String(r.date).slice(0, 10),
      currency: String(r.currency),
      rate: Number(r.rate),
    })),
  );
}

/**
 * Crawls one configured price source with the prices Series' crawler (robots.txt, per-host politeness, retries,
 * raw snapshots to raw/prices/<ADMIN>/<date>/) and leaves its observations as an upload,
 * uploads/<ADMIN>/prices/<date>-<source>-<stamp>.csv, for IngestPriceObservations.
 *
 * - The source is looked up by id in the stored configuration (the Map item only carries the id and what PrepareRun
 *   read), so it is validated with the crawler's own schema; an unknown id or a bad config is a ValidationError.
 * - Pages that give no price are skipped with a reason and the crawl succeeds. When no page at all could be fetched
 *   and every failure was a timeout, network error or HTTP error, the shop is down: a TransientError, retried by
 *   the definition with backoff.
 */
export async function scrapeSource(deps: PipelineDeps, event: unknown): Promise<StageResult> {
  const { run, source } = parseInput('ScrapeSource', input, event);
  const admin = run.administration;
  return runStage(deps, run, `ScrapeSource-${source.id}`, async () => {
    const config = await readPricesConfig(deps, admin);
    const adminConfig = config.administrations[admin];
    const configured = adminConfig.sources.find((s) => s.id === source.id);
    if (!configured)
      throw new ValidationError(`ScrapeSource: source ${source.id} is not in ${sourcesConfigKey(admin)}`);
    const fx = await loadFx(deps, admin, adminConfig.currency);
    const report = await crawlSource({
      store: deps.store,
      administration: admin,
      source: configured,
      settings: config.settings,
      fx,
      localCurrency: adminConfig.currency,
      now: deps.now,
      log: deps.log,
      signal: AbortSignal.timeout(CRAWL_BUDGET_MS),
    });
    const skipped: Record<string, number> = {};
    for (const s of report.skipped) skipped[s.reason] = (skipped[s.reason] ?? 0) + 1;
    if (
      report.pagesFetched === 0 &&
      report.skipped.length > 0 &&
      report.skipped.every((s) => UNREACHABLE.has(s.reason) || s.reason === 'robots-disallowed') &&
      !(await reachable(report.skipped[0].url, config.settings))
    )
      throw new TransientError(
        `ScrapeSource: source ${source.id} could not be reached: ${JSON.stringify(skipped)} (first: ${report.skipped[0].detail})`,
      );
    deps.log?.(
      `ScrapeSource: ${admin}/${source.id}: ${report.pagesFetched} page(s), ${report.observations.length} price(s), skipped ${JSON.stringify(skipped)}`,
    );
    return {
      series: 'prices',
      locations: report.observationsKey ? [report.observationsKey] : [],
      summary: {
        source: source.id,
        date: report.date,
        pagesFetched: report.pagesFetched,
        observations: report.observations.length,
        converted: report.observations.filter((o) => o.convertedPrice !== null).length,
        skipped,
        observationsKey: report.observationsKey,
        manifestKey: report.manifestKey,
      },
      ...(report.observationsKey ? {} : { skipped: `no prices found at source ${source.id}` }),
    };
  });
}
