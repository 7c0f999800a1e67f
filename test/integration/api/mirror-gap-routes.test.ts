import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbQueryEngine } from '../../../shared/adapters/duckdb-query-engine.ts';
import { localLakeTables } from '../../../shared/ingest/datasets.ts';
import { ingestUpload } from '../../../shared/ingest/ingest.ts';
import { LocalKeyStore } from '../../../shared/ingest/local-key-store.ts';
import { apiHarness } from '../../unit/api/harness.ts';

// Comtrade bulk layout: AAA imports from BBB and BBB reports exports to AAA, for two products.
const TRADE = [
  '"classification","year","flowcode","flow","reportercode","reporteriso","partnercode","partneriso","productcode","unitcode","quantity","weight","tradevalue","flag"',
  '"H4",2013,1,"Import",8,"AAA",12,"BBB",440799,12,100,1000,5000.25,0',
  '"H4",2013,2,"Export",12,"BBB",8,"AAA",440799,12,100,1000,9000.50,0',
  '"H4",2013,1,"Import",8,"AAA",12,"BBB",440710,12,10,100,700,0',
  '"H4",2013,2,"Export",12,"BBB",8,"AAA",440710,12,10,100,650,0',
  '"H4",2013,1,"Import",8,"AAA",0,"WLD",440799,12,1,1,99999,0',
].join('\n');

describe('GET /v1/mirror and /v1/gap over the lake', () => {
  let h: Awaited<ReturnType<typeof apiHarness>>;
  let engine: DuckDbQueryEngine;
  beforeAll(async () => {
    h = await apiHarness();
    engine = new DuckDbQueryEngine(localLakeTables(h.dir));
    h.deps.query = engine;
    const manifest = await ingestUpload(
      { store: h.store, keys: new LocalKeyStore(h.dir) },
      {
        admin: 'XAA',
        dataset: 'trade',
        fileName: 'comtrade.csv',
        open: async () => Readable.from([Buffer.from(TRADE)]),
      },
    );
    expect(manifest.rowsRejected).toBe(0);
  });
  afterAll(async () => {
    await engine.close();
    await h.cleanup();
  });

  it("pairs the administration's uploaded trade flows", async () => {
    const res = await h.call('GET', '/v1/mirror', { token: await h.token('official', 'XAA') });
    expect(res.status).toBe(200);
    expect(res.json.summary).toMatchObject({ pairs: 2 });
    expect(res.json.summary.importsValue).toBeCloseTo(5700.25, 2);
    expect(res.json.summary.mirrorExportsValue).toBeCloseTo(9650.5, 2);
  });

  it('filters by product and refuses bad filters with 400', async () => {
    const token = await h.token('official', 'XAA');
    const one = await h.call('GET', '/v1/mirror', { token, query: { product: '440799' } });
    expect(one.json.summary.pairs).toBe(1);
    const bad = await h.call('GET', '/v1/mirror', { token, query: { sort: 'drop_table' } });
    expect(bad.status).toBe(400);
  });

  it('takes the import side as a query parameter', async () => {
    const token = await h.token('official', 'XAA');
    const auto = await h.call('GET', '/v1/mirror', { token, query: { reporter: 'AAA' } });
    expect(auto.status).toBe(200);
    expect(auto.json.settings).toMatchObject({ imports: 'auto', importsFrom: 'comtrade' });
    expect(auto.json.summary.pairs).toBe(2);
    // XAA has uploaded no declarations: the declared import side is empty.
    const decl = await h.call('GET', '/v1/mirror', {
      token,
      query: { reporter: 'AAA', imports: 'declarations', exchangeRate: '1.5' },
    });
    expect(decl.status).toBe(200);
    expect(decl.json.settings).toMatchObject({ importsFrom: 'declarations', exchangeRate: 1.5 });
    expect(decl.json.summary.pairs).toBe(0);
    const bad = await h.call('GET', '/v1/mirror', { token, query: { imports: 'everything' } });
    expect(bad.status).toBe(400);
    const noReporter = await h.call('GET', '/v1/mirror', { token, query: { imports: 'declarations' } });
    expect(noReporter.status).toBe(400);
  });

  it('splits the revenue gap', async () => {
    const res = await h.call('GET', '/v1/gap', {
      token: await h.token('official', 'XAA'),
      query: { defaultRate: '10' },
    });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.json)).toContain('valuation');
  });

  it("keeps other administrations out of XAA's trade", async () => {
    const res = await h.call('GET', '/v1/mirror', {
      token: await h.token('official', 'XBB'),
      query: { administration: 'XAA' },
    });
    expect(res.status).toBe(403);
    const own = await h.call('GET', '/v1/mirror', { token: await h.token('official', 'XBB') });
    expect(own.json.summary.pairs).toBe(0);
  });
});
