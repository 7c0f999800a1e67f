import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.ts';
import { FsObjectStore } from '../../../shared/adapters/fs-object-store.ts';

describe('bacuda prices crawl', () => {
  let server: Server;
  const dir = mkdtempSync(join(tmpdir(), 'prices-cli-crawl-'));

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/robots.txt') {
        res.writeHead(404);
        return res.end();
      }
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<h1>Tyre 205/55 R16</h1><div class="price">€ 80,00</div><button>Add to cart</button>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('crawls one administration, converts with the fx file and reports progress on stderr', async () => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const config = join(dir, 'sources.json');
    writeFileSync(
      config,
      JSON.stringify({
        currency: 'NGN',
        sources: [
          { id: 'tyres', startUrls: [`${base}/tyre`], allowedDomains: ['127.0.0.1'], hsCode: '401110' },
        ],
        settings: { delayMs: 0 },
      }),
    );
    const fx = join(dir, 'fx.csv');
    writeFileSync(fx, 'date,currency,rate\n2000-01-01,EUR,1500\n');
    const out: string[] = [];
    const log: string[] = [];
    const code = await main(
      ['prices', 'crawl', '--config', config, '--admin', 'NG', '--store', join(dir, 'store'), '--fx', fx],
      {
        out: (s) => out.push(s),
        log: (s) => log.push(s),
      },
    );
    expect(code).toBe(0);
    const summary = JSON.parse(out[0]);
    expect(summary).toMatchObject({
      administration: 'NG',
      source: 'tyres',
      observations: 1,
      pagesFetched: 1,
    });
    expect(log.join('\n')).toContain('NG/tyres: crawling');
    const csv = await new FsObjectStore(join(dir, 'store')).getText(summary.observationsKey);
    expect(csv).toContain(',80,EUR,120000,NGN,2000-01-01,');
  });

  it('rejects an invalid config with one line naming the problem', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        administrations: { KE: { currency: 'KES', sources: [{ id: 'x', allowedDomains: [] }] } },
      }),
    );
    const log: string[] = [];
    const code = await main(['prices', 'crawl', '--config', bad], { out: () => {}, log: (s) => log.push(s) });
    expect(code).toBe(1);
    expect(log.join('\n')).toMatch(/allowedDomains/);
  });
});
