import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbQueryEngine } from '../../../shared/adapters/duckdb-query-engine.ts';
import { FsObjectStore } from '../../../shared/adapters/fs-object-store.ts';
import { DATASETS, localLakeTables } from '../../../shared/ingest/datasets.ts';
import { ingestUpload } from '../../../shared/ingest/ingest.ts';
import { LocalKeyStore } from '../../../shared/ingest/local-key-store.ts';
import type { Manifest } from '../../../shared/ingest/manifest.ts';
import { OBSERVATION_COLUMNS, type Observation, observationsCsv } from '../../../shared/prices/index.ts';
import { runNamedQuery } from '../../../shared/queries/index.ts';
import { apiHarness } from '../../unit/api/harness.ts';

// Prepare: observations exactly as the crawler writes them (observationsCsv), with the awkward cells a shop gives:
// a comma and quotes in a name, a missing fx rate, an unmapped product.
const observation = (o: Partial<Observation>): Observation => ({
  date: '2024-06-10',
  time: '2024-06-10T08:30:00.000Z',
  url: 'https://shop.example/p/kettle',
  price: '25.00',
  currency: 'EUR',
  convertedPrice: 3750,
  localCurrency: 'KES',
  fxDate: '2024-06-01',
  productKey: 'kettle-1.7l',
  hsCode: '851671',
  sku: 'K-17',
  gtin: '4006381333931',
  brand: 'ACME',
  name: 'Kettle, 1.7 l "steel"',
  availability: 'InStock',
  sourceId: 'shop-a',
  extraction: 'json-ld',
  snapshotKey: 'raw/prices/KE/2024-06-10/0123456789abcdef0123.html.gz',
  ...o,
});

const OBSERVATIONS = [
  observation({}),
  observation({ url: 'https://shop.example/p/kettle-2', price: '27.50', convertedPrice: 4125 }),
  observation({
    url: 'https://shop.example/p/kettle-3',
    price: '30',
    convertedPrice: 4500,
    date: '2024-07-01',
  }),
  observation({
    url: 'https://shop.example/p/mug',
    price: '4.50',
    currency: 'USD',
    convertedPrice: null,
    fxDate: null,
    productKey: null,
    hsCode: '691200',
    sku: 'MUG',
    gtin: null,
    extraction: 'microdata',
  }),
];

const DECLARATIONS = [
  'sgd.id,sgd.date,importer.id,declarant.id,country,office.id,tariff.code,quantity,gross.weight,fob.value,cif.value,total.taxes,illicit,revenue',
  // 100 kettles declared at 100 KES each (market ~4000): far below.
  'D1,24-06-15,IMP1,DEC1,CN,OF1,8516710000,100,50,9000,10000,500,0,0',
  // Declared near the market.
  'D2,24-06-20,IMP2,DEC1,CN,OF1,8516710000,10,5,39000,40000,500,0,0',
  // An HS6 without observations: never returned.
  'D3,24-06-20,IMP3,DEC1,CN,OF1,6912000000,10,5,100,100,10,0,0',
].join('\n');

const bytes = (text: string) => async () => Readable.from([Buffer.from(text)]);

describe('a crawl observations upload in the lake', () => {
  const root = mkdtempSync(join(tmpdir(), 'prices-lake-'));
  const store = new FsObjectStore(root);
  const keys = new LocalKeyStore(root);
  let engine: DuckDbQueryEngine;
  let manifest: Manifest;

  beforeAll(async () => {
    manifest = await ingestUpload(
      { store, keys },
      {
        admin: 'KE',
        dataset: 'prices',
        fileName: '2024-06-10-shop-a-20240610T083000Z.csv',
        open: bytes(observationsCsv(OBSERVATIONS)),
      },
    );
    await ingestUpload(
      { store, keys },
      { admin: 'KE', dataset: 'declarations', fileName: 'd.csv', open: bytes(DECLARATIONS) },
    );
    // Another administration's observations must never reach KE's queries.
    await ingestUpload(
      { store, keys },
      {
        admin: 'XBB',
        dataset: 'prices',
        fileName: 'x.csv',
        open: bytes(observationsCsv([observation({ url: 'https://other.example/p/1' })])),
      },
    );
    engine = new DuckDbQueryEngine(localLakeTables(root));
  }, 30_000);

  afterAll(async () => {
    await engine?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('ingests every row with the bacuda-prices layout and rejects none', () => {
    expect(manifest).toMatchObject({
      status: 'ingested',
      format: 'bacuda-prices',
      rowsIn: 4,
      rowsAccepted: 4,
      rowsRejected: 0,
    });
  });

  it('maps every observation column onto a field of the prices dataset', () => {
    const layout = DATASETS.prices.layouts.find((l) => l.name === 'bacuda-prices');
    const mapped = new Set(
      Object.values(layout?.columns ?? {}).flatMap((spec) => (Array.isArray(spec) ? spec : [spec])),
    );
    expect(OBSERVATION_COLUMNS.filter((c) => !mapped.has(c))).toEqual([]);
  });

  it('keeps every column in the curated Parquet', async () => {
    const rows = await engine.query(
      `SELECT * EXCLUDE (year, month) FROM prices WHERE administration = ? ORDER BY url`,
      ['KE'],
    );
    expect(rows).toHaveLength(4);
    expect(rows[0]).toEqual({
      administration: 'KE',
      date: '2024-06-10',
      productId: 'kettle-1.7l',
      product: 'Kettle, 1.7 l "steel"',
      brand: 'ACME',
      hsCode: '851671',
      price: 25,
      currency: 'EUR',
      unit: null,
      availability: 'InStock',
      source: 'shop-a',
      url: 'https://shop.example/p/kettle',
      observedAt: '2024-06-10T08:30:00.000Z',
      convertedPrice: 3750,
      localCurrency: 'KES',
      fxDate: '2024-06-01',
      productKey: 'kettle-1.7l',
      sku: 'K-17',
      gtin: '4006381333931',
      extraction: 'json-ld',
      snapshotKey: 'raw/prices/KE/2024-06-10/0123456789abcdef0123.html.gz',
    });
    const mug = rows.find((r) => r.url === 'https://shop.example/p/mug');
    expect(mug).toMatchObject({ convertedPrice: null, fxDate: null, productKey: null, productId: 'MUG' });
  });

  it('prices.observations returns the convertible observations of the administration only', async () => {
    const rows = await runNamedQuery(engine, 'prices.observations', 'KE');
    expect(rows.map((r) => r.url)).toEqual([
      'https://shop.example/p/kettle',
      'https://shop.example/p/kettle-2',
      'https://shop.example/p/kettle-3',
    ]);
    expect(rows[0]).toEqual({
      date: '2024-06-10',
      url: 'https://shop.example/p/kettle',
      price: 25,
      currency: 'EUR',
      convertedPrice: 3750,
      productKey: 'kettle-1.7l',
      hsCode: '851671',
    });
    expect(await runNamedQuery(engine, 'prices.observations', 'KE', { from: '2024-06-20' })).toHaveLength(1);
    expect(await runNamedQuery(engine, 'prices.observations', 'KE', { hsPrefix: '6912' })).toEqual([]);
  });

  it('declarations.price-matched returns only items whose HS6 has observations', async () => {
    const rows = await runNamedQuery(engine, 'declarations.price-matched', 'KE');
    expect(rows).toEqual([
      {
        declarationId: 'D1',
        itemNumber: 1,
        date: '2024-06-15',
        hsCode: '8516710000',
        quantity: 100,
        cifValue: 10000,
        fobValue: 9000,
      },
      {
        declarationId: 'D2',
        itemNumber: 1,
        date: '2024-06-20',
        hsCode: '8516710000',
        quantity: 10,
        cifValue: 40000,
        fobValue: 39000,
      },
    ]);
    expect(await runNamedQuery(engine, 'declarations.price-matched', 'XBB')).toEqual([]);
  });

  it('GET /v1/prices/flags flags the under-declared item with its evidence, for the own administration only', async () => {
    const h = await apiHarness({}, { store, query: engine });
    try {
      const ke = await h.token('official', 'KE');
      const res = await h.call('GET', '/v1/prices/flags', {
        token: ke,
        query: { from: '2024-06-01', to: '2024-06-30' },
      });
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({
        administration: 'KE',
        declarations: 2,
        checked: 2,
        unmatched: 0,
        flagged: 1,
        settings: { fraction: 0.5, lowQuantile: 0.1, minObservations: 3 },
      });
      const [flag] = res.json.flags;
      expect(flag).toMatchObject({
        declarationId: 'D1',
        itemNumber: 1,
        hsCode: '8516710000',
        declaredUnitValue: 100,
        market: { matchedBy: 'hs6', key: '851671', n: 3, median: 4125 },
      });
      expect(flag.evidence[0]).toEqual({
        url: 'https://shop.example/p/kettle',
        date: '2024-06-10',
        price: '25',
        currency: 'EUR',
        convertedPrice: 3750,
      });
      // A stricter threshold flags nothing; a bad parameter is a 400; another administration is a 403.
      const strict = await h.call('GET', '/v1/prices/flags', { token: ke, query: { fraction: '0.01' } });
      expect(strict.json.flagged).toBe(0);
      expect(
        (await h.call('GET', '/v1/prices/flags', { token: ke, query: { lowQuantile: '2' } })).status,
      ).toBe(400);
      const other = await h.call('GET', '/v1/prices/flags', { token: ke, query: { administration: 'XBB' } });
      expect(other.status).toBe(403);
    } finally {
      await h.cleanup();
    }
  });
});
