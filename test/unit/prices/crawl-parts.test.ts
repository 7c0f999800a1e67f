import { describe, expect, it } from 'vitest';
import {
  hostAllowed,
  mapProduct,
  parsePricesConfig,
  priceSourceConfigSchema,
} from '../../../shared/prices/crawl/config.ts';
import { parseSitemap } from '../../../shared/prices/crawl/crawler.ts';
import { HostGate, retryAfterMs } from '../../../shared/prices/crawl/fetcher.ts';
import { FxTable, parseFxCsv } from '../../../shared/prices/fx.ts';

describe('crawl configuration', () => {
  const source = priceSourceConfigSchema.parse({
    id: 'shop',
    startUrls: ['https://shop.example/'],
    allowedDomains: ['shop.example'],
    products: [
      { urlPattern: '/kettle', productKey: 'kettle', hsCode: '851671' },
      { sku: 'MUG-1', productKey: 'mug' },
    ],
    hsCode: '691200',
  });

  it('fills defaults and maps products by URL pattern or sku', () => {
    expect(source).toMatchObject({ schedule: 'weekly', maxDepth: 1, maxPages: 200 });
    expect(mapProduct(source, { url: 'https://shop.example/kettle-x', sku: null, gtin: null })).toEqual({
      productKey: 'kettle',
      hsCode: '851671',
    });
    expect(mapProduct(source, { url: 'https://shop.example/a', sku: 'MUG-1', gtin: null })).toEqual({
      productKey: 'mug',
      hsCode: '691200',
    });
    expect(mapProduct(source, { url: 'https://shop.example/b', sku: null, gtin: null })).toEqual({
      productKey: null,
      hsCode: '691200',
    });
  });

  it('allows listed domains and their subdomains only', () => {
    expect(hostAllowed('shop.example', ['shop.example'])).toBe(true);
    expect(hostAllowed('www.shop.example', ['shop.example'])).toBe(true);
    expect(hostAllowed('evilshop.example', ['shop.example'])).toBe(false);
    expect(hostAllowed('shop.example.evil', ['shop.example'])).toBe(false);
  });

  it('accepts a per-administration file with --admin, and rejects sources without seeds', () => {
    const c = parsePricesConfig(
      { currency: 'KES', sources: [{ id: 'a', startUrls: ['https://a.ke/'], allowedDomains: ['a.ke'] }] },
      'KE',
    );
    expect(Object.keys(c.administrations)).toEqual(['KE']);
    expect(c.settings.userAgent).toMatch(/bacuda/);
    expect(() => parsePricesConfig({ currency: 'KES', sources: [] })).toThrow(/--admin/);
    expect(() => priceSourceConfigSchema.parse({ id: 'x', allowedDomains: ['x.y'] })).toThrow(
      /startUrls or sitemaps/,
    );
  });
});

describe('politeness helpers', () => {
  it('parses Retry-After in seconds and as an HTTP date', () => {
    expect(retryAfterMs('5')).toBe(5000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(
      10_000,
    );
    expect(retryAfterMs(null)).toBeNull();
    expect(retryAfterMs('soon')).toBeNull();
  });

  it('never runs more than the per-host concurrency at once', async () => {
    const gate = new HostGate(2, 0);
    let active = 0;
    let peak = 0;
    const task = () =>
      gate.run('h', async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 5));
        active--;
      });
    await Promise.all(Array.from({ length: 7 }, task));
    expect(peak).toBe(2);
  });

  it('reads sitemaps and sitemap indexes', () => {
    const urlset = parseSitemap(
      Buffer.from(
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc> https://a.ke/p/1 </loc></url></urlset>',
      ),
    );
    expect(urlset).toEqual({ pages: ['https://a.ke/p/1'], sitemaps: [] });
    const index = parseSitemap(
      Buffer.from('<sitemapindex><sitemap><loc>https://a.ke/s2.xml</loc></sitemap></sitemapindex>'),
    );
    expect(index.sitemaps).toEqual(['https://a.ke/s2.xml']);
  });
});

describe('fx conversion', () => {
  const fx = new FxTable(
    'KES',
    parseFxCsv('date,currency,rate\n2024-01-01,EUR,140\n2024-02-01,eur,150\n2024-01-15,USD,130\n'),
  );

  it('uses the latest rate on or before the date', () => {
    expect(fx.convert(10, 'EUR', '2024-01-20')).toEqual({ amount: 1400, fxDate: '2024-01-01', rate: 140 });
    expect(fx.convert(10, 'EUR', '2024-03-01')).toMatchObject({ amount: 1500, fxDate: '2024-02-01' });
    expect(fx.convert(10, 'KES', '2024-03-01')).toEqual({ amount: 10, fxDate: '2024-03-01', rate: 1 });
  });

  it('returns null with no earlier rate or an unknown currency', () => {
    expect(fx.convert(10, 'USD', '2024-01-01')).toBeNull();
    expect(fx.convert(10, 'GBP', '2024-05-01')).toBeNull();
    expect(fx.convert(10, null, '2024-05-01')).toBeNull();
  });

  it('rejects an fx file without the required columns', () => {
    expect(() => parseFxCsv('day,ccy,value\n2024-01-01,EUR,1\n')).toThrow(/date, currency, rate/);
  });
});
