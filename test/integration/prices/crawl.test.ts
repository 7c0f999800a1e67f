import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsObjectStore } from '../../../shared/adapters/fs-object-store.ts';
import { crawlSettingsSchema, priceSourceConfigSchema } from '../../../shared/prices/crawl/config.ts';
import { type CrawlReport, crawlSource } from '../../../shared/prices/crawl/crawler.ts';
import { FxTable } from '../../../shared/prices/fx.ts';

const UA = 'bacuda-test-crawler/1.0';
const product = (name: string, price: string, currency = 'EUR') =>
  `<html><head><script type="application/ld+json">${JSON.stringify({
    '@type': 'Product',
    name,
    sku: name.toUpperCase(),
    offers: { price, priceCurrency: currency },
  })}</script></head><body><h1>${name}</h1></body></html>`;

describe('crawlSource against a local fixture shop', () => {
  let server: Server;
  let base: string;
  let report: CrawlReport;
  const hits: Record<string, number> = {};
  const agents = new Set<string>();
  const store = new FsObjectStore(mkdtempSync(join(tmpdir(), 'prices-crawl-')));

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const path = req.url ?? '/';
      hits[path] = (hits[path] ?? 0) + 1;
      agents.add(String(req.headers['user-agent']));
      const html = (body: string, status = 200) => {
        res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
        res.end(body);
      };
      switch (path) {
        case '/robots.txt':
          res.writeHead(200, { 'content-type': 'text/plain' });
          return res.end('User-agent: *\nDisallow: /private/\n');
        case '/sitemap.xml':
          res.writeHead(200, { 'content-type': 'application/xml' });
          return res.end(
            `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>${base}/p/sitemap-only</loc></url></urlset>`,
          );
        case '/':
          return html(
            [
              '/p/kettle',
              '/p/mug',
              '/private/secret',
              '/old',
              '/offsite',
              '/busy',
              '/slow',
              '/big',
              '/broken',
              '/image.png',
              '/noprice',
              '/zero',
              '/latin',
              '/down',
            ]
              .map((p) => `<a href="${p}">${p}</a>`)
              .join(' '),
          );
        case '/p/kettle':
          return html(product('kettle', '25.00'));
        case '/p/kettle2':
          return html(product('kettle two', '27.50'));
        case '/p/sitemap-only':
          return html(product('lamp', '3000', 'KES'));
        case '/p/mug':
          return html(
            '<div itemscope itemtype="https://schema.org/Product"><h1 itemprop="name">Mug</h1><div itemprop="offers" itemscope itemtype="https://schema.org/Offer"><span itemprop="price" content="4.50">$4.50</span><meta itemprop="priceCurrency" content="USD"></div></div>',
          );
        case '/private/secret':
          return html(product('secret', '1'));
        case '/old':
          res.writeHead(301, { location: '/p/kettle2' });
          return res.end();
        case '/offsite':
          res.writeHead(302, {
            location: `http://localhost:${(server.address() as AddressInfo).port}/p/kettle`,
          });
          return res.end();
        case '/busy':
          if (hits[path] === 1) {
            res.writeHead(429, { 'retry-after': '1' });
            return res.end('slow down');
          }
          return html(product('busy', '10'));
        case '/slow':
          setTimeout(() => html(product('slow', '1')), 1500);
          return;
        case '/big':
          return html(`<h1>Big</h1>${'<p>filler</p>'.repeat(20_000)}`);
        case '/broken':
          return html('<html><body><h1>Chair<div class="price">12,50 €<span></table></body>');
        case '/image.png':
          res.writeHead(200, { 'content-type': 'image/png' });
          return res.end(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
        case '/noprice':
          return html('<h1>About us</h1><p>We sell kettles.</p>');
        case '/zero':
          return html(product('free', '0'));
        case '/latin':
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          return res.end(
            Buffer.from([0x3c, 0x68, 0x31, 0x3e, 0xe9, 0xff, 0xfe, 0x3c, 0x2f, 0x68, 0x31, 0x3e]),
          );
        case '/down':
          res.writeHead(503);
          return res.end();
        default:
          res.writeHead(404);
          return res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const source = priceSourceConfigSchema.parse({
      id: 'fixture-shop',
      startUrls: [`${base}/`],
      sitemaps: [`${base}/sitemap.xml`],
      allowedDomains: ['127.0.0.1'],
      followLinks: '.*',
      maxDepth: 1,
      products: [{ urlPattern: '/p/kettle', productKey: 'kettle-1.7l', hsCode: '851671' }],
      hsCode: '999999',
    });
    const settings = crawlSettingsSchema.parse({
      userAgent: UA,
      delayMs: 0,
      timeoutMs: 400,
      retries: 1,
      backoffMs: 10,
      maxBytes: 100_000,
      globalConcurrency: 4,
      perHostConcurrency: 2,
    });
    const fx = new FxTable('KES', [
      { date: '2024-01-01', currency: 'EUR', rate: 140 },
      { date: '2024-06-01', currency: 'EUR', rate: 150 },
      { date: '2024-01-01', currency: 'USD', rate: 130 },
    ]);
    report = await crawlSource({
      store,
      administration: 'KE',
      source,
      settings,
      fx,
      localCurrency: 'KES',
      now: () => new Date('2024-07-01T10:00:00Z'),
    });
  }, 30_000);

  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const obs = (suffix: string) => report.observations.find((o) => o.url.endsWith(suffix));
  const reasonOf = (suffix: string) => report.skipped.find((s) => s.url.endsWith(suffix))?.reason;

  it('records prices with product mapping and fx conversion', () => {
    expect(obs('/p/kettle')).toMatchObject({
      price: '25',
      currency: 'EUR',
      convertedPrice: 3750,
      fxDate: '2024-06-01',
      productKey: 'kettle-1.7l',
      hsCode: '851671',
      extraction: 'json-ld',
    });
    expect(obs('/p/mug')).toMatchObject({
      price: '4.50',
      currency: 'USD',
      convertedPrice: 585,
      hsCode: '999999',
      productKey: null,
    });
    expect(obs('/p/sitemap-only')).toMatchObject({ price: '3000', currency: 'KES', convertedPrice: 3000 });
    expect(obs('/broken')).toMatchObject({ price: '12.50', currency: 'EUR' });
  });

  it('follows redirects inside the allow-list and retries a 429 after Retry-After', () => {
    expect(obs('/p/kettle2')).toMatchObject({ price: '27.50', productKey: 'kettle-1.7l' });
    expect(obs('/busy')).toMatchObject({ price: '10' });
    expect(hits['/busy']).toBe(2);
  });

  it('honours robots.txt and never fetches a disallowed path', () => {
    expect(reasonOf('/private/secret')).toBe('robots-disallowed');
    expect(hits['/private/secret']).toBeUndefined();
  });

  it('records every bad page as skipped with a reason and carries on', () => {
    expect(reasonOf('/offsite')).toBe('off-allow-list');
    expect(reasonOf('/slow')).toBe('timeout');
    expect(reasonOf('/big')).toBe('too-large');
    expect(reasonOf('/image.png')).toBe('non-html');
    expect(reasonOf('/noprice')).toBe('no-price');
    expect(reasonOf('/zero')).toBe('absurd-price');
    expect(reasonOf('/latin')).toBe('invalid-encoding');
    expect(reasonOf('/down')).toBe('http-error');
    expect(hits['/down']).toBe(2); // one retry on 5xx
  });

  it('sends its User-Agent on every request', () => {
    expect([...agents]).toEqual([UA]);
  });

  it('stores raw snapshots, the crawl manifest and the observations upload', async () => {
    expect(report.observationsKey).toMatch(/^uploads\/KE\/prices\/2024-07-01-fixture-shop-.*\.csv$/);
    const csv = await store.getText(report.observationsKey!);
    const [header, ...rows] = csv.trim().split('\n');
    expect(header.split(',')).toEqual(
      expect.arrayContaining([
        'url',
        'observed_at',
        'price',
        'currency',
        'converted_price',
        'fx_date',
        'product_key',
        'hs_code',
      ]),
    );
    expect(rows).toHaveLength(report.observations.length);
    const snapshots = await store.list('raw/prices/KE/2024-07-01/');
    expect(snapshots.filter((k) => k.endsWith('.html.gz')).length).toBeGreaterThanOrEqual(
      report.observations.length,
    );
    const manifest = JSON.parse(await store.getText(report.manifestKey));
    expect(manifest.skipped.length).toBe(report.skipped.length);
  });
});
