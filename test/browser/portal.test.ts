import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalPlatform, startLocalPlatform } from '../../local/platform.ts';
import { lakeTables, makeLocalUploadHandler } from '../../local/wiring.ts';
import { publishPreliminaryResult } from '../../shared/access/results.ts';
import { writeDemoFile } from '../../shared/demo/write-demo-file.ts';

/**
 * The portal in headless Chromium against the real local platform (API, local login, upload watcher and
 * ingestion): an official of XAA logs in, uploads a file and sees it processed, approves a result; an
 * official of XBB sees neither XAA's uploads nor its unapproved results.
 */
const CHROMIUM = '/usr/bin/chromium';
const skip = !existsSync(CHROMIUM);
if (skip) console.warn(`portal browser test skipped: ${CHROMIUM} is absent (apt-get install chromium)`);
/** How long to wait for the page to reflect a change on a busy machine; not a timing assertion. */
const WAIT = { timeout: 60_000 };

let dir: string;
let platform: LocalPlatform;
let browser: Browser;
let demoFile: string;

beforeAll(async () => {
  if (skip) return;
  dir = await mkdtemp(join(tmpdir(), 'bacuda-portal-'));
  platform = await startLocalPlatform({
    root: join(dir, 'store'),
    port: 0,
    log: () => {},
    lakeTables,
    makeUploadHandler: makeLocalUploadHandler,
  });
  demoFile = join(dir, 'my declarations.csv');
  await writeDemoFile(demoFile, { rows: 300, seed: 7, year: 2013 });
  for (const id of ['r1', 'r2']) {
    await platform.store.put(`results/XAA/fraud/${id}/summary.json`, JSON.stringify({ selected: 15 }));
    await publishPreliminaryResult(platform.store, {
      administration: 'XAA',
      series: 'fraud',
      id,
      title: `Fraud selection ${id}`,
      summary: 'Top 5% of declarations by fraud score',
    });
  }
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
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function login(username: string, password: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } }); // a phone
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(`${platform.url}/portal/`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'BACUDA Series' }).waitFor(WAIT);
  expect(errors.filter((e) => !/status of 40[13]/.test(e))).toEqual([]);
  return { context, page };
}

const resultIds = (page: Page) =>
  page
    .locator('#series-fraud li.result')
    .evaluateAll((els) =>
      els.map((e) => `${(e as HTMLElement).dataset.id}:${(e as HTMLElement).dataset.status}`),
    );

describe.skipIf(skip)('portal', () => {
  it('logs in, uploads with progress, approves, and keeps unapproved results inside the administration', async () => {
    const xaa = await login('official-xaa', 'demo-xaa');
    const xbb = await login('official-xbb', 'demo-xbb');
    try {
      // The catalogue shows the five Series; XAA sees its preliminary results, XBB none of them.
      expect(await xaa.page.locator('section.series').count()).toBe(5);
      expect((await resultIds(xaa.page)).sort()).toEqual(['r1:preliminary', 'r2:preliminary']);
      expect(await resultIds(xbb.page)).toEqual([]);

      // Upload a file and see it processed by the ingestion behind the upload watcher.
      await xaa.page.getByRole('link', { name: 'Upload' }).click();
      await xaa.page.getByLabel('File').setInputFiles(demoFile);
      await xaa.page.getByRole('button', { name: 'Upload' }).click();
      await xaa.page.getByText(/Processed my_declarations\.csv: ingested, 300 rows accepted/).waitFor(WAIT);
      expect(await xaa.page.locator('progress').evaluate((p) => (p as HTMLProgressElement).value)).toBe(1);
      await expect
        .poll(() => xaa.page.locator('tr[data-file="my_declarations.csv"]').getAttribute('data-status'))
        .toBe('ingested');

      // XBB sees none of XAA's uploads, and is refused when asking for them.
      await xbb.page.getByRole('link', { name: 'Upload' }).click();
      await xbb.page.getByText('No uploads yet.').waitFor(WAIT);
      const refused = await xbb.page.evaluate(async () => {
        const token = sessionStorage.getItem('bacuda.token');
        const res = await fetch('/v1/uploads?administration=XAA', {
          headers: { authorization: `Bearer ${token}` },
        });
        return res.status;
      });
      expect(refused).toBe(403);

      // XAA approves r1 from the approvals inbox.
      await xaa.page.getByRole('link', { name: 'Approvals' }).click();
      const card = xaa.page.locator('section.pending[data-id="r1"]');
      await card.getByLabel('Decision').fill('Checked against our own inspections');
      await card.getByRole('button', { name: 'Approve' }).click();
      await xaa.page.getByText('Approved: it is now visible in the catalogue.').waitFor(WAIT);

      // XBB now sees the approved r1, still not the preliminary r2, and cannot open r2 directly.
      await xbb.page.getByRole('link', { name: 'Series' }).click();
      await xbb.page.locator('#series-fraud li.result').first().waitFor(WAIT);
      expect(await resultIds(xbb.page)).toEqual(['r1:approved']);
      await xbb.page.goto(`${platform.url}/portal/#/result/XAA/fraud/r2`);
      await xbb.page
        .getByRole('alert')
        .filter({ hasText: /may not read/ })
        .waitFor(WAIT);
      // Nor does XBB get an approvals inbox with XAA's items.
      await xbb.page.goto(`${platform.url}/portal/#/approvals`);
      await xbb.page.getByText('No results are waiting for your decision.').waitFor(WAIT);
    } finally {
      await xaa.context.close();
      await xbb.context.close();
    }
  });

  it('takes an access request without logging in, and lets the WCO administrator approve it', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    try {
      await page.goto(`${platform.url}/portal/#/request-access`);
      await page.getByLabel('Full name').fill('Jo Official');
      await page.getByLabel('E-mail').fill('jo@customs.example.org');
      await page.getByLabel('Username you would like').fill('jo.official');
      await page.getByLabel('Organisation').fill('Customs of XAA');
      await page.getByLabel('Administration code (officials)').fill('XAA');
      await page.getByLabel('Why you need access').fill('Risk unit: we want to run the fraud Series.');
      await page.getByRole('button', { name: 'Send request' }).click();
      await page.getByRole('heading', { name: 'Request sent' }).waitFor(WAIT);
      await context.close();
      const admin = await login('admin', 'demo-admin');
      await admin.page.getByRole('link', { name: 'Access' }).click();
      await admin.page.getByText('jo.official', { exact: false }).waitFor(WAIT);
      await admin.page.locator('.request').getByRole('button', { name: 'Approve' }).click();
      await admin.page.getByText(/Account jo\.official created/).waitFor(WAIT);
      await admin.context.close();
    } finally {
      await context.close().catch(() => {});
    }
  });
});
