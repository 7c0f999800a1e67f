import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { load } from 'cheerio';
import type { ObjectStore } from '../../ports/object-store.ts';
import { decodeHtml } from '../extract/decode.ts';
import { type DomNode, walkElements } from '../extract/dom.ts';
import { extractFromDom, PARSER_OPTIONS } from '../extract/extract.ts';
import type { FxTable } from '../fx.ts';
import { type CrawlSettings, hostAllowed, mapProduct, type PriceSourceConfig } from './config.ts';
import { type FetchFailure, type FetchLike, PoliteFetcher } from './fetcher.ts';
import { OBSERVATION_COLUMNS, type Observation, observationsCsv } from './observations.ts';

export type SkipReason =
  | FetchFailure
  | 'non-html'
  | 'invalid-encoding'
  | 'no-price'
  | 'absurd-price'
  | 'max-pages';

export interface Skipped {
  url: string;
  time: string;
  reason: SkipReason;
  detail: string;
}

export interface CrawlReport {
  administration: string;
  sourceId: string;
  date: string;
  startedAt: string;
  finishedAt: string;
  pagesFetched: number;
  observations: Observation[];
  skipped: Skipped[];
  /** Where the observations CSV was uploaded (null when there were none). */
  observationsKey: string | null;
  /** Crawl manifest (counts, skipped pages with reasons) next to the raw snapshots. */
  manifestKey: string;
  snapshotPrefix: string;
}

export interface CrawlSourceOptions {
  store: ObjectStore;
  administration: string;
  source: PriceSourceConfig;
  settings: CrawlSettings;
  /** Rates to the national currency; without it convertedPrice is only filled for prices already in it. */
  fx?: FxTable | null;
  /** The administration's national currency (ISO 4217). */
  localCurrency: string;
  now?: () => Date;
  log?: (line: string) => void;
  signal?: AbortSignal;
  fetch?: FetchLike;
}

const HTML_TYPE = /text\/html|application\/xhtml\+xml/i;

/** Sitemap (or sitemap index) URLs: <url><loc> pages and nested <sitemap><loc> files; .gz bodies accepted. */
export function parseSitemap(body: Uint8Array): { pages: string[]; sitemaps: string[] } {
  const bytes = body[0] === 0x1f && body[1] === 0x8b ? gunzipSync(body) : body;
  const $ = load(Buffer.from(bytes).toString('utf8'), { xml: true });
  const pages = $('url > loc')
    .map((_, el) => $(el).text().trim())
    .get();
  const sitemaps = $('sitemap > loc')
    .map((_, el) => $(el).text().trim())
    .get();
  return { pages, sitemaps };
}

function linksOf(root: DomNode, base: string): string[] {
  const out: string[] = [];
  walkElements(root, (el) => {
    if (el.name === 'a' && el.attribs.href && el.attribs.rel !== 'nofollow') {
      try {
        const u = new URL(el.attribs.href, base);
        u.hash = '';
        if (u.protocol === 'http:' || u.protocol === 'https:') out.push(u.toString());
      } catch {
        // unparseable href: ignore
      }
    }
    return el.name !== 'script' && el.name !== 'style';
  });
  return out;
}

const keyOf = (url: string) => createHash('sha256').update(url).digest('hex').slice(0, 20);

/**
 * Crawls one price source: seeds from start URLs and sitemaps, fetches politely (see PoliteFetcher), keeps a raw
 * snapshot of every HTML page under raw/prices/<ADMIN>/<date>/, extracts the product price, converts it to the
 * national currency, and uploads the observations as uploads/<ADMIN>/prices/<file>.csv for the ingest pipeline.
 * Pages that cannot give a price are recorded as skipped with a reason; the crawl always continues.
 */
export async function crawlSource(o: CrawlSourceOptions): Promise<CrawlReport> {
  const now = o.now ?? (() => new Date());
  const started = now();
  const date = started.toISOString().slice(0, 10);
  const stamp = started
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const admin = o.administration;
  const src = o.source;
  const snapshotPrefix = `raw/prices/${admin}/${date}/`;
  const fetcher = new PoliteFetcher({
    settings: o.settings,
    allowedDomains: src.allowedDomains,
    fetch: o.fetch,
    signal: o.signal,
    log: o.log,
  });
  const observations: Observation[] = [];
  const skipped: Skipped[] = [];
  const skip = (url: string, reason: SkipReason, detail: string) => {
    skipped.push({ url, time: now().toISOString(), reason, detail });
    o.log?.(`skip ${reason} ${url} ${detail}`);
  };
  const follow = src.followLinks ? new RegExp(src.followLinks) : null;

  const seen = new Set<string>();
  const queue: { url: string; depth: number }[] = [];
  const enqueue = (url: string, depth: number) => {
    const u = new URL(url);
    u.hash = '';
    const key = u.toString();
    if (seen.has(key)) return;
    seen.add(key);
    if (!hostAllowed(u.hostname, src.allowedDomains))
      return skip(key, 'off-allow-list', 'not in allowedDomains');
    queue.push({ url: key, depth });
  };

  for (const url of src.startUrls) enqueue(url, 0);
  // Sitemaps (and sitemap indexes, one level deep): their pages are leaves, not link sources.
  const sitemapQueue = [...src.sitemaps];
  for (let i = 0; i < sitemapQueue.length && i < 50; i++) {
    const r = await fetcher.get(sitemapQueue[i]);
    if (!r.ok) {
      skip(sitemapQueue[i], r.reason, r.detail);
      continue;
    }
    try {
      const { pages, sitemaps } = parseSitemap(r.body);
      for (const p of pages) enqueue(p, src.maxDepth);
      sitemapQueue.push(...sitemaps);
    } catch (err) {
      skip(sitemapQueue[i], 'non-html', `unreadable sitemap: ${(err as Error).message}`);
    }
  }

  let pagesFetched = 0;
  let started_ = 0;
  const processPage = async ({ url, depth }: { url: string; depth: number }) => {
    const r = await fetcher.get(url);
    if (!r.ok) return skip(url, r.reason, r.detail);
    pagesFetched++;
    const time = now().toISOString();
    const looksHtml = /^\s*(?:<!doctype html|<html|<head|<body)/i.test(
      Buffer.from(r.body.subarray(0, 512)).toString('latin1'),
    );
    if (r.contentType ? !HTML_TYPE.test(r.contentType) : !looksHtml)
      return skip(url, 'non-html', r.contentType || 'no content type');
    const decoded = decodeHtml(r.body, r.charset);
    if (!decoded.valid) return skip(url, 'invalid-encoding', `bytes are not valid ${decoded.charset}`);
    const snapshotKey = `${snapshotPrefix}${keyOf(r.url)}.html.gz`;
    await o.store.put(snapshotKey, gzipSync(r.body), { contentType: 'application/gzip' });

    const $ = load(decoded.text, PARSER_OPTIONS);
    const root = $.root()[0] as unknown as DomNode;
    if (follow && depth < src.maxDepth)
      for (const link of linksOf(root, r.url)) if (follow.test(link)) enqueueLink(link, depth + 1);
    const p = extractFromDom(root, { url: r.url });
    if (p.price === null) {
      if (p.absurdPrice) return skip(url, 'absurd-price', `price ${p.absurdPrice}`);
      return skip(url, 'no-price', 'no price found on the page');
    }
    const amount = Number(p.price);
    if (!(amount > 0) || amount >= 1e9) return skip(url, 'absurd-price', `price ${p.price}`);
    const { productKey, hsCode } = mapProduct(src, { url: r.url, sku: p.sku, gtin: p.gtin });
    const converted = o.fx
      ? o.fx.convert(amount, p.currency, date)
      : p.currency === o.localCurrency
        ? { amount, fxDate: date }
        : null;
    observations.push({
      date,
      time,
      url: r.url,
      price: p.price,
      currency: p.currency,
      convertedPrice: converted?.amount ?? null,
      localCurrency: o.localCurrency,
      fxDate: converted?.fxDate ?? null,
      productKey,
      hsCode,
      sku: p.sku,
      gtin: p.gtin,
      brand: p.brand,
      name: p.name,
      availability: p.availability,
      sourceId: src.id,
      extraction: p.source,
      snapshotKey,
    });
  };
  // Links found while crawling go through the same de-duplication and allow-list as the seeds.
  const enqueueLink = (url: string, depth: number) => {
    try {
      const u = new URL(url);
      if (!hostAllowed(u.hostname, src.allowedDomains)) return; // silently: shops link everywhere
      enqueue(url, depth);
    } catch {
      // ignore
    }
  };

  // Worker pool: per-host politeness is enforced inside the fetcher; this bounds total parallelism.
  let done = 0;
  const worker = async () => {
    while (queue.length && !o.signal?.aborted) {
      const item = queue.shift()!;
      if (started_ >= src.maxPages) {
        skip(item.url, 'max-pages', `maxPages ${src.maxPages} reached`);
        continue;
      }
      started_++;
      try {
        await processPage(item);
      } catch (err) {
        skip(item.url, 'network-error', `unexpected: ${(err as Error).message}`);
      }
      done++;
      o.log?.(
        `[${src.id}] ${done} done, ${queue.length} queued, ${observations.length} prices, ${skipped.length} skipped`,
      );
    }
  };
  // Workers may finish while another is still adding links; loop until the queue stays empty.
  while (queue.length && !o.signal?.aborted)
    await Promise.all(Array.from({ length: o.settings.globalConcurrency }, worker));

  const finishedAt = now().toISOString();
  let observationsKey: string | null = null;
  if (observations.length) {
    observationsKey = `uploads/${admin}/prices/${date}-${src.id}-${stamp}.csv`;
    await o.store.put(observationsKey, observationsCsv(observations), { contentType: 'text/csv' });
  }
  const manifestKey = `${snapshotPrefix}crawl-${src.id}-${stamp}.json`;
  const report: CrawlReport = {
    administration: admin,
    sourceId: src.id,
    date,
    startedAt: started.toISOString(),
    finishedAt,
    pagesFetched,
    observations,
    skipped,
    observationsKey,
    manifestKey,
    snapshotPrefix,
  };
  await o.store.put(
    manifestKey,
    JSON.stringify({ ...report, observations: observations.length, columns: OBSERVATION_COLUMNS }, null, 2),
    { contentType: 'application/json' },
  );
  return report;
}
