import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forecastsRoute } from '../../functions/api/routes/forecasts.ts';
import { fraudModelsRoute, fraudSelectionsRoute } from '../../functions/api/routes/fraud.ts';

/**
 * The fraud and forecast portal pages in headless Chromium (one browser for both), against a tiny server
 * (127.0.0.1 only) that serves portal/ with the local server's CSP and answers the three API calls with fixtures.
 * The fixtures are checked against the routes' own response schemas, so they have the real shapes.
 */
const CHROMIUM = '/usr/bin/chromium';
const skip = !existsSync(CHROMIUM) && !process.env.CI;
if (skip) console.warn(`series pages browser test skipped: ${CHROMIUM} is absent (apt-get install chromium)`);

const ROOT = resolve(import.meta.dirname, '../..');
const PORTAL = join(ROOT, 'portal');
const TOKEN = 'test-token';
const CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'";
const WAIT = { timeout: 30_000, interval: 100 };

const models = {
  administration: 'XAA',
  current: 'v2',
  versions: [
    {
      version: 'v2',
      current: true,
      trainedAt: '2026-05-01T10:00:00.000Z',
      trainRows: 4000,
      featureGroups: ['values', 'risk'],
      holdout: {
        'precision@1': 0.9,
        'precision@2': 0.8,
        'precision@5': 0.6,
        'precision@10': 0.4,
        'recall@1': 0.1,
        'recall@2': 0.2,
        'recall@5': 0.35,
        'recall@10': 0.5,
        'revenue@1': null,
        'revenue@2': null,
        'revenue@5': null,
        'revenue@10': null,
        rocAuc: 0.88,
        prAuc: 0.55,
      },
      importances: { unitValueVsHs6: 0.4, importerRisk: 0.3, logValue: 0.2, month: 0.1, unused: 0 },
      bands: [{ band: 'top-1%', kPercent: 1, minScore: 0.9 }],
    },
    {
      version: 'v1',
      current: false,
      trainedAt: null,
      trainRows: null,
      featureGroups: null,
      holdout: null,
      importances: null,
      bands: null,
    },
  ],
};

const selections = {
  administration: 'XAA',
  runId: 'run-7',
  status: 'preliminary',
  createdAt: '2026-05-02T10:00:00.000Z',
  kPercent: 5,
  model: 'models/XAA/v2/model.json',
  total: 3,
  items: ['SGD9', 'SGD4', 'SGD7'].map((id, i) => ({
    partition: '2026-04',
    rank: i + 1,
    declarationId: id,
    itemNumber: 1,
    date: '2026-04-03',
    score: 0.9 - i / 10,
    priority: 0.9 - i / 10,
    reason: i === 2 ? 'exploration' : null,
  })),
};

const month = (i: number) => `2025-${String(i + 1).padStart(2, '0')}`;
const forecasts = {
  administration: 'XAA',
  resultId: 'fc-2',
  status: 'approved',
  createdAt: '2026-01-03T10:00:00.000Z',
  series: [
    {
      name: 'total-taxes',
      method: 'combo',
      history: Array.from({ length: 12 }, (_, i) => ({ period: month(i), value: 100 + i * 3 })),
      forecasts: Array.from({ length: 6 }, (_, i) => ({
        period: `2026-${String(i + 1).padStart(2, '0')}`,
        mean: 140 + i,
        lo80: 130 + i - i * 2,
        hi80: 150 + i + i * 2,
        lo95: 120 + i - i * 3,
        hi95: 160 + i + i * 3,
      })),
    },
    {
      name: 'customs-duties',
      history: Array.from({ length: 12 }, (_, i) => ({ period: month(i), value: 50 + i })),
      forecasts: [{ period: '2026-01', mean: 62, lo80: 58, hi80: 66, lo95: 55, hi95: 69 }],
    },
  ],
  earlyWarnings: [
    { series: 'total-taxes', period: '2025-11', actual: 130, expected: 150, lo80: 140, shortfall: 20 },
  ],
};

const API: Record<string, unknown> = {
  '/v1/fraud/models': models,
  '/v1/fraud/selections': selections,
  '/v1/forecasts': forecasts,
};

let server: Server;
let base: string;
let browser: Browser;
const requested: string[] = [];

async function staticFile(path: string): Promise<{ status: number; type: string; body: string | Buffer }> {
  const types: Record<string, string> = {
    '.html': 'text/html',
    '.js': 'text/javascript',
    '.css': 'text/css',
  };
  const file = normalize(join(PORTAL, path.slice('/portal/'.length)));
  if (path.startsWith('/portal/') && file.startsWith(PORTAL + sep))
    try {
      return {
        status: 200,
        type: types[extname(file)] ?? 'application/octet-stream',
        body: await readFile(file),
      };
    } catch {}
  return { status: 404, type: 'text/plain', body: 'not found' };
}

async function open(path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.addInitScript((t) => sessionStorage.setItem('bacuda.token', t), TOKEN);
  await page.goto(`${base}${path}`);
  return { page, errors };
}

describe.skipIf(skip)('fraud and forecast pages in Chromium', () => {
  beforeAll(async () => {
    // The fixtures have the routes' response shapes.
    fraudModelsRoute.response?.parse(models);
    fraudSelectionsRoute.response?.parse(selections);
    forecastsRoute.response?.parse(forecasts);
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname === '/favicon.ico') {
        res.writeHead(204).end();
        return;
      }
      if (url.pathname.startsWith('/v1/')) {
        requested.push(`${url.pathname}${url.search}`);
        const body = API[url.pathname];
        const ok = req.headers.authorization === `Bearer ${TOKEN}` && body;
        res
          .writeHead(ok ? 200 : 401, { 'content-type': 'application/json' })
          .end(JSON.stringify(ok ? body : { error: { code: 'unauthorized', message: 'unauthorized' } }));
        return;
      }
      staticFile(url.pathname).then(
        (r) =>
          res.writeHead(r.status, { 'content-type': r.type, 'content-security-policy': CSP }).end(r.body),
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
        '--disable-sync',
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((ok) => server?.close(ok));
  });

  it('fraud page: precision/recall-at-k curve, selection list and feature importances', async () => {
    const { page, errors } = await open('/portal/pages/fraud.html?administration=XAA');
    await page.waitForFunction(() => (globalThis as { fraudPage?: unknown }).fraudPage, undefined, WAIT);
    await page.evaluate(
      () => (globalThis as unknown as { fraudPage: { ready: Promise<unknown> } }).fraudPage.ready,
    );
    expect(errors).toEqual([]);
    expect(await page.getByTestId('status').textContent()).toBe('');
    expect(await page.getByTestId('model-info').textContent()).toMatch(
      /Model v2.*4,000 declarations.*ROC-AUC 0\.880/,
    );
    // Two lines (precision, recall) with a point per k; no revenue line without revenue metrics.
    const curve = page.getByTestId('chart-pr-at-k');
    expect(await curve.locator('svg polyline.line').count()).toBe(2);
    expect(await curve.locator('svg circle.point').count()).toBe(8);
    expect(await page.locator('[data-testid=pr-at-k-table] tbody tr').count()).toBe(4);
    expect(await page.locator('[data-testid=pr-at-k-table] tbody tr').first().textContent()).toBe(
      '1%90.0%10.0%—',
    );
    const rows = await page
      .locator('[data-testid=selection-table] tbody tr td:nth-child(2)')
      .allTextContents();
    expect(rows).toEqual(['SGD9', 'SGD4', 'SGD7']);
    expect(await page.locator('[data-testid=selection-table] tbody tr').last().textContent()).toMatch(
      /exploration$/,
    );
    // Importances: the positive ones, largest first.
    const bars = page.getByTestId('chart-importances').locator('svg rect.bar');
    expect(await bars.count()).toBe(4);
    expect(await bars.first().locator('title').textContent()).toBe('unitValueVsHs6: 40.0%');
    expect(requested).toContain('/v1/fraud/models?administration=XAA');
    await page.close();
  });

  it('forecast page: fan chart with 80%/95% bands, early warnings, series switch', async () => {
    const { page, errors } = await open('/portal/pages/forecast.html');
    await page.waitForFunction(
      () => (globalThis as { forecastPage?: unknown }).forecastPage,
      undefined,
      WAIT,
    );
    await page.evaluate(
      () => (globalThis as unknown as { forecastPage: { ready: Promise<unknown> } }).forecastPage.ready,
    );
    expect(errors).toEqual([]);
    const fan = page.getByTestId('chart-fan');
    expect(
      await fan.locator('polygon.band').evaluateAll((ps) => ps.map((p) => p.getAttribute('data-band'))),
    ).toEqual(['95% interval', '80% interval']);
    expect(await fan.locator('polyline[data-line=actual]').count()).toBe(1);
    expect(await fan.locator('polyline[data-line=forecast]').count()).toBe(1);
    // The 95% band is wider than the 80% band (its polygon spans more height).
    const heights = await fan
      .locator('polygon.band')
      .evaluateAll((ps) => ps.map((p) => (p as SVGGraphicsElement).getBBox().height));
    expect(heights[0]).toBeGreaterThan(heights[1]);
    expect(await page.locator('[data-testid=warnings-table] tbody tr').allTextContents()).toEqual([
      '2025-11130150140' + '20',
    ]);
    expect(await page.locator('[data-testid=forecast-table] tbody tr').count()).toBe(6);
    await page.getByTestId('series-select').selectOption('customs-duties');
    await page.getByTestId('no-warnings').waitFor(WAIT);
    expect(await page.locator('[data-testid=forecast-table] tbody tr').count()).toBe(1);
    await page.close();
  });
});
