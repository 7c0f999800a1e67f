import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbQueryEngine } from '../../../shared/adapters/duckdb-query-engine.ts';
import { FsObjectStore } from '../../../shared/adapters/fs-object-store.ts';
import { localLakeTables } from '../../../shared/ingest/datasets.ts';
import { ingestUpload } from '../../../shared/ingest/ingest.ts';
import { LocalKeyStore } from '../../../shared/ingest/local-key-store.ts';
import type { RunRef, StageResult } from '../../../shared/pipeline/contracts.ts';
import type { PipelineDeps } from '../../../shared/pipeline/stage.ts';
import { ingestPriceObservations } from '../../../shared/pipeline/stages/ingest-price-observations.ts';
import { scrapeSource } from '../../../shared/pipeline/stages/scrape-source.ts';

const product = (name: string, price: string, currency = 'EUR') =>
  `<html><head><script type="application/ld+json">${JSON.stringify({
    '@type': 'Product',
    name,
    sku: name.toUpperCase(),
    offers: { price, priceCurrency: currency },
  })}</script></head><body><h1>${name}</h1></body></html>`;

const run = (runId: string): RunRef => ({
  runId,
  administration: 'KE',
  kind: 'weekly',
  startedAt: '2024-07-01T10:00:00.000Z',
  asOf: '2024-07-01',
  attempt: 1,
});

describe('ScrapeSource and IngestPriceObservations against a 127.0.0.1 fixture shop', () => {
  const root = mkdtempSync(join(tmpdir(), 'prices-pipeline-'));
  const store = new FsObjectStore(root);
  let server: Server;
  let base: string;
  let deadPort: number;
  let deps: PipelineDeps;
  let engine: DuckDbQueryEngine;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const html = (body: string) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(body);
      };
      switch (req.url) {
        case '/robots.txt':
          res.writeHead(404);
          return res.end();
        case '/':
          return html('<a href="/p/kettle">k</a> <a href="/p/mug">m</a> <a href="/about">a</a>');
        case '/p/kettle':
          return html(product('kettle', '25.00'));
        case '/p/mug':
          return html(product('mug', '600', 'KES'));
        case '/about':
          return html('<h1>About</h1>');
        default:
          res.writeHead(404);
          return res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // A port nothing listens on: a shop that is down.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    deadPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));

    const fast = { delayMs: 0, timeoutMs: 2000, retries: 0, backoffMs: 0, userAgent: 'bacuda-test/1.0' };
    await store.put(
      'config/KE/prices/sources.json',
      JSON.stringify({
        currency: 'KES',
        settings: fast,
        sources: [
          {
            id: 'shop-a',
            startUrls: [`${base}/`],
            allowedDomains: ['127.0.0.1'],
            followLinks: '/p/',
            maxDepth: 1,
            hsCode: '851671',
            products: [{ urlPattern: '/p/kettle', productKey: 'kettle-1.7l' }],
          },
          { id: 'shop-down', startUrls: [`http://127.0.0.1:${deadPort}/`], allowedDomains: ['127.0.0.1'] },
        ],
      }),
    );
    // An fx upload: EUR rates, as the lake's fx dataset holds them.
    await ingestUpload(
      { store, keys: new LocalKeyStore(root) },
      {
        admin: 'KE',
        dataset: 'fx',
        fileName: 'fx.csv',
        open: async () => Readable.from([Buffer.from('date,currency,rate\n2024-06-01,EUR,150\n')]),
      },
    );
    engine = new DuckDbQueryEngine(localLakeTables(root));
    deps = { store, query: engine, now: () => new Date('2024-07-01T10:00:00Z') };
  }, 30_000);

  afterAll(async () => {
    await engine?.close();
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(root, { recursive: true, force: true });
  });

  it('crawls a configured source, ingests its observations and stages the prices output', async () => {
    const scraped = (await scrapeSource(deps, { run: run('r1'), source: { id: 'shop-a' } })) as StageResult;
    expect(scraped.summary).toMatchObject({
      source: 'shop-a',
      pagesFetched: 3,
      observations: 2,
      converted: 2,
      skipped: {},
    });
    const key = scraped.summary.observationsKey as string;
    expect(key).toMatch(/^uploads\/KE\/prices\/2024-07-01-shop-a-\d{8}T\d{6}Z\.csv$/);
    expect(scraped.locations).toEqual([key]);

    const ingested = await ingestPriceObservations(deps, { run: run('r1'), scraped: [scraped] });
    expect(ingested.summary).toEqual({ sources: 1, observations: 2, rowsAccepted: 2, rowsRejected: 0 });
    expect(ingested.locations).toEqual(['results/KE/runs/r1/output/prices/observations.json']);

    const rows = await engine.query(
      'SELECT url, price, currency, convertedPrice, fxDate, productKey, hsCode, snapshotKey FROM prices WHERE administration = ? ORDER BY url',
      ['KE'],
    );
    expect(rows).toEqual([
      {
        url: `${base}/p/kettle`,
        price: 25,
        currency: 'EUR',
        convertedPrice: 3750,
        fxDate: '2024-06-01',
        productKey: 'kettle-1.7l',
        hsCode: '851671',
        snapshotKey: expect.stringMatching(/^raw\/prices\/KE\/2024-07-01\/[0-9a-f]{20}\.html\.gz$/),
      },
      {
        url: `${base}/p/mug`,
        price: 600,
        currency: 'KES',
        convertedPrice: 600,
        fxDate: '2024-07-01',
        productKey: null,
        hsCode: '851671',
        snapshotKey: expect.any(String),
      },
    ]);

    // Ingesting the same observations again (a retry, or the upload trigger) adds nothing.
    await ingestPriceObservations(deps, { run: run('r2'), scraped: [scraped] });
    expect(await engine.query('SELECT count(*) AS n FROM prices WHERE administration = ?', ['KE'])).toEqual([
      { n: 2 },
    ]);
  }, 20_000);

  it('fails a shop that cannot be reached with a TransientError (retried by the definition)', async () => {
    await expect(scrapeSource(deps, { run: run('r3'), source: { id: 'shop-down' } })).rejects.toMatchObject({
      name: 'TransientError',
    });
  }, 20_000);

  it('fails bad configuration with a ValidationError (never retried)', async () => {
    await expect(
      scrapeSource(deps, { run: run('r4'), source: { id: 'no-such-shop' } }),
    ).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringContaining('not in config/KE/prices/sources.json'),
    });
    const other = { ...deps };
    await store.put('config/KE/prices/sources.json', '{"currency":"KES","sources":[{"id":"x"}]}');
    try {
      await expect(scrapeSource(other, { run: run('r5'), source: { id: 'x' } })).rejects.toMatchObject({
        name: 'ValidationError',
      });
    } finally {
      await store.delete('config/KE/prices/sources.json');
    }
    await expect(
      ingestPriceObservations(deps, {
        run: run('r6'),
        scraped: [
          { series: 'prices', locations: [], summary: { observationsKey: 'uploads/XBB/prices/stolen.csv' } },
        ],
      }),
    ).rejects.toMatchObject({ name: 'ValidationError' });
  });

  it('records a run without sources as skipped', async () => {
    expect(await ingestPriceObservations(deps, { run: run('r7'), scraped: [] })).toMatchObject({
      skipped: 'no price sources configured',
    });
  });
});
