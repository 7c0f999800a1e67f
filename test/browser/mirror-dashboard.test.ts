import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbQueryEngine } from '../../shared/adapters/duckdb-query-engine.ts';
import { gapResponse } from '../../shared/gap/index.ts';
import { portalCsp, VEGA_PAGES } from '../../shared/http/portal-csp.ts';
import {
  InvalidFilterError,
  loadComtradeCsv,
  loadTariffsCsv,
  mirrorResponse,
} from '../../shared/mirror/index.ts';
import { type Rec, rng, tempDir, writeBulk } from '../unit/mirror/fixtures.ts';

/**
 * The mirror dashboard in headless Chromium, against a tiny server started here (127.0.0.1 only) that
 * serves portal/, the Vega builds from node_modules, and /v1/mirror + /v1/gap computed by the real
 * mirrorResponse/gapResponse over a small DuckDB fixture — so the page is tested on the real JSON shapes
 * without depending on the platform server.
 */
const CHROMIUM = '/usr/bin/chromium';
const skip = !existsSync(CHROMIUM) && !process.env.CI;
if (skip)
  console.warn(`mirror dashboard browser test skipped: ${CHROMIUM} is absent (apt-get install chromium)`);

const ROOT = resolve(import.meta.dirname, '../..');
const STATIC: Record<string, string> = {
  '/portal/': join(ROOT, 'portal'),
  '/vendor/vega/': join(ROOT, 'node_modules/vega/build'),
  '/vendor/vega-lite/': join(ROOT, 'node_modules/vega-lite/build'),
  '/vendor/vega-embed/': join(ROOT, 'node_modules/vega-embed/build'),
};
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
};
const TOKEN = 'test-token';
/** How long to wait for the page to reflect a change (the machine may be busy); not a timing assertion. */
const WAIT = { timeout: 30_000, interval: 100 };

function fixture(): Rec[] {
  const rand = rng(11);
  const c: [number, string][] = [
    [36, 'AUS'],
    [156, 'CHN'],
    [404, 'KEN'],
    [842, 'USA'],
    [276, 'DEU'],
  ];
  const recs: Rec[] = [];
  let n = 0;
  for (const period of [2019, 2020, 2021])
    for (const product of ['440799', '030211'])
      for (const [i, iIso] of c)
        for (const [e, eIso] of c) {
          if (i === e) continue;
          const exp = Math.round(1000 + rand() * 90000);
          const imp = Math.round(exp * (n++ % 9 === 0 ? 0.15 : 1.05 + rand() * 0.1));
          recs.push({
            period,
            flow: 1,
            reporter: i,
            reporterIso: iIso,
            partner: e,
            partnerIso: eIso,
            product,
            value: imp,
            weight: 100,
          });
          if (n % 13 !== 0) {
            recs.push({
              period,
              flow: 2,
              reporter: e,
              reporterIso: eIso,
              partner: i,
              partnerIso: iIso,
              product,
              value: exp,
              weight: 90,
            });
          }
        }
  return recs;
}

let engine: DuckDbQueryEngine;
let server: Server;
let base: string;
let browser: Browser;
let page: Page;

async function handle(url: URL): Promise<{ status: number; type: string; body: string | Buffer }> {
  if (url.pathname === '/v1/mirror' || url.pathname === '/v1/gap') {
    try {
      const body =
        url.pathname === '/v1/mirror'
          ? await mirrorResponse(engine, url.searchParams)
          : await gapResponse(engine, url.searchParams);
      return { status: 200, type: 'application/json', body: JSON.stringify(body) };
    } catch (err) {
      const status = err instanceof InvalidFilterError ? 400 : 500;
      return {
        status,
        type: 'application/json',
        body: JSON.stringify({ error: { message: (err as Error).message } }),
      };
    }
  }
  for (const [prefix, folder] of Object.entries(STATIC)) {
    if (!url.pathname.startsWith(prefix)) continue;
    const file = normalize(join(folder, url.pathname.slice(prefix.length)));
    if (!file.startsWith(folder + sep)) break;
    try {
      return {
        status: 200,
        type: TYPES[extname(file)] ?? 'application/octet-stream',
        body: await readFile(file),
      };
    } catch {
      break;
    }
  }
  return { status: 404, type: 'text/plain', body: 'not found' };
}

describe.skipIf(skip)('mirror dashboard in Chromium', () => {
  beforeAll(async () => {
    engine = new DuckDbQueryEngine();
    const dir = tempDir('bacuda-dash-');
    await loadComtradeCsv(engine, writeBulk(dir, 'trade.csv', fixture()));
    const tariffs = join(dir, 'tariffs.csv');
    await import('node:fs').then((fs) => fs.writeFileSync(tariffs, 'hs,rate\n44,10\n03,5\n'));
    await loadTariffsCsv(engine, tariffs);
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname.startsWith('/v1/') && req.headers.authorization !== `Bearer ${TOKEN}`) {
        res
          .writeHead(401, { 'content-type': 'application/json' })
          .end('{"error":{"message":"unauthorized"}}');
        return;
      }
      handle(url).then(
        // The portal's real CSP, as the local server and CloudFront send it for this page.
        (r) =>
          res
            .writeHead(r.status, {
              'content-type': r.type,
              'content-security-policy': portalCsp({
                allowEval: (VEGA_PAGES as readonly string[]).includes(
                  url.pathname.replace(/^\/portal\//, ''),
                ),
              }),
            })
            .end(r.body),
        (err) => res.writeHead(500).end(String(err)),
      );
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.addInitScript((t) => sessionStorage.setItem('bacuda.token', t), TOKEN);
    await page.goto(`${base}/portal/pages/mirror.html`);
    await page.waitForFunction(() => (globalThis as { mirrorDashboard?: unknown }).mirrorDashboard);
    await page.evaluate(
      () => (globalThis as unknown as { mirrorDashboard: { ready: Promise<unknown> } }).mirrorDashboard.ready,
    );
    expect(errors).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((ok) => server?.close(ok));
    await engine?.close();
  });

  const rowCount = () => page.locator('[data-testid=table-body] tr').count();
  const partnerColumn = () => page.locator('[data-testid=table-body] tr td:nth-child(3)').allTextContents();

  it('loads: summary cards, a first page of pairs, and filter choices', async () => {
    await expect.poll(rowCount, WAIT).toBe(25);
    const pairs = await page.locator('[data-testid=card-pairs] .value').textContent();
    expect(Number(pairs?.replaceAll(',', ''))).toBeGreaterThan(25);
    const partners = await page.locator('[data-testid=filter-partner] option').allTextContents();
    expect(partners).toEqual(['All', 'AUS', 'CHN', 'DEU', 'KEN', 'USA']);
    expect(await page.locator('[data-testid=page-info]').textContent()).toMatch(/^1–25 of \d+$/);
  });

  it('renders the three charts as SVG with marks', async () => {
    for (const id of ['chart-scatter', 'chart-top-gaps', 'chart-waterfall']) {
      await page.locator(`[data-testid=${id}] svg`).first().waitFor();
      const marks = await page
        .locator(`[data-testid=${id}] svg .mark-symbol path, [data-testid=${id}] svg .mark-rect path`)
        .count();
      expect(marks, id).toBeGreaterThan(0);
    }
    // Flagged pairs are drawn in the highlight colour.
    const red = await page
      .locator('[data-testid=chart-scatter] svg .mark-symbol path[fill="#d62728"]')
      .count();
    expect(red).toBeGreaterThan(0);
  });

  it('filters change the table', async () => {
    await page.selectOption('[data-testid=filter-partner]', 'CHN');
    await expect
      .poll(partnerColumn, WAIT)
      .toSatisfy((cells: string[]) => cells.length > 0 && cells.every((c) => c === 'CHN'));
    await page.selectOption('[data-testid=filter-period]', '2020');
    await expect
      .poll(() => page.locator('[data-testid=table-body] tr td:nth-child(1)').allTextContents(), WAIT)
      .toSatisfy((cells: string[]) => cells.length > 0 && cells.every((c) => c === '2020'));
    await page.selectOption('[data-testid=filter-partner]', '');
    await page.selectOption('[data-testid=filter-period]', '');
    await expect.poll(rowCount, WAIT).toBe(25);
  });

  it('sorts on a header click and pages', async () => {
    await page.click('th[data-sort=import_value]');
    await expect
      .poll(() => page.locator('th[data-sort=import_value]').getAttribute('aria-sort'), WAIT)
      .toBe('descending');
    await page.click('th[data-sort=import_value]');
    await expect
      .poll(() => page.locator('th[data-sort=import_value]').getAttribute('aria-sort'), WAIT)
      .toBe('ascending');
    const values = async () =>
      (await page.locator('[data-testid=table-body] tr td:nth-child(5)').allTextContents()).map((s) =>
        Number(s.replaceAll(',', '')),
      );
    await expect
      .poll(async () => {
        const v = await values();
        return v.length === 25 && v.every((x, i) => i === 0 || v[i - 1] <= x);
      }, WAIT)
      .toBe(true);
    const firstPageLast = (await values()).at(-1) ?? 0;
    await page.click('[data-testid=next]');
    await expect.poll(() => page.locator('[data-testid=page-info]').textContent(), WAIT).toMatch(/^26–/);
    expect((await values())[0]).toBeGreaterThanOrEqual(firstPageLast);
  });

  it('downloads the filtered pairs as CSV', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid=download-csv]'),
    ]);
    const path = await download.path();
    const text = await readFile(path, 'utf8');
    const lines = text.trim().split('\n');
    expect(lines[0]).toMatch(/^period,importer,importerIso,exporter,exporterIso,product,/);
    const total = Number(
      (await page.locator('[data-testid=card-pairs] .value').textContent())?.replaceAll(',', ''),
    );
    expect(lines.length - 1).toBe(total);
  });
});
