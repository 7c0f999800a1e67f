import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDbBulkLoader } from '../../../shared/adapters/duckdb-bulk-loader.ts';
import { DuckDbQueryEngine } from '../../../shared/adapters/duckdb-query-engine.ts';
import { FsObjectStore } from '../../../shared/adapters/fs-object-store.ts';
import { localLakeTables } from '../../../shared/ingest/datasets.ts';
import { type IngestDeps, type IngestRequest, ingestUpload } from '../../../shared/ingest/ingest.ts';
import { LocalKeyStore } from '../../../shared/ingest/local-key-store.ts';
import { runNamedQuery } from '../../../shared/queries/index.ts';

const HEADER =
  'sgd.id,sgd.date,importer.id,declarant.id,country,office.id,tariff.code,quantity,gross.weight,fob.value,cif.value,total.taxes,illicit,revenue';
function synthetic(rows: string[]): string {
  return [HEADER, ...rows].join('\n');
}
const GOOD = [
  'SGD1,13-01-02,IMPSECRET001,DECSECRET01,CNTRY680,OFFICE51,8703239000,1,1500,8000,10000,3000,0,0',
  'SGD2,13-01-03,IMPSECRET002,DECSECRET01,CNTRY759,OFFICE92,8703239000,2,1200,7000,9000,2000,1,980',
  'SGD3,13-02-10,IMPSECRET001,DECSECRET02,CNTRY680,OFFICE51,8517120000,5,10,400,500,50,0,0',
];
const BAD = 'SGD4,13-02-30,IMPSECRET003,DECSECRET03,CNTRY680,OFFICE51,8517120000,5,10,400,500,50,0,0';

// The same expectations hold whether rows go through the streaming JS path alone or are first offered
// to DuckDB's bulk path (which declines any file with a row needing a rejection reason).
for (const [engineName, extra] of [
  ['streaming', {}],
  ['bulk', { bulk: new DuckDbBulkLoader() }],
] as const) {
  describe(`ingestUpload (${engineName} path)`, () => {
    ingestSuite(extra);
  });
}

function ingestSuite(extra: Partial<IngestDeps>): void {
  const root = mkdtempSync(join(tmpdir(), 'bacuda-ingest-'));
  const store = new FsObjectStore(root);
  const keys = new LocalKeyStore(root);
  const deps = { store, keys, ...extra };
  const engine = new DuckDbQueryEngine(localLakeTables(root));
  afterAll(() => engine.close());

  function request(
    content: string | Uint8Array,
    fileName: string,
    extra: Partial<IngestRequest> = {},
  ): IngestRequest {
    const bytes = typeof content === 'string' ? Buffer.from(content) : content;
    return {
      admin: 'XAA',
      dataset: 'declarations',
      fileName,
      open: async () =>
        (async function* () {
          // Odd chunk sizes exercise records split across chunks.
          for (let i = 0; i < bytes.length; i += 37) yield bytes.subarray(i, i + 37);
        })(),
      ...extra,
    };
  }

  function walk(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? walk(p) : [p];
    });
  }
  it('writes validated, pseudonymised, partitioned Parquet, quarantine and a manifest', async () => {
    const m = await ingestUpload(deps, request(synthetic([...GOOD, BAD]), 'jan feb.csv'));
    expect(m).toMatchObject({
      status: 'ingested',
      format: 'wco-bacuda-synthetic',
      rowsIn: 4,
      rowsAccepted: 3,
      rowsRejected: 1,
      schemaVersion: 1,
      rejectedByField: { date: 1 },
    });
    expect(m.rowsIn).toBe(m.rowsAccepted + m.rowsRejected);
    expect(m.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(m.files.map((f) => [f.year, f.month, f.rows])).toEqual([
      [2013, 1, 2],
      [2013, 2, 1],
    ]);
    for (const f of m.files)
      expect(f.key).toMatch(
        /^curated\/declarations\/administration=XAA\/year=2013\/month=0[12]\/s[0-9a-f]{16}\.[^/]+\.parquet$/,
      );
    expect(JSON.parse(await store.getText(`manifests/XAA/declarations/${m.uploadId}.json`))).toEqual(m);

    const quarantined = (await store.getText(m.quarantine!.key))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(quarantined).toHaveLength(1);
    expect(quarantined[0]).toMatchObject({ rowNumber: 4, line: 5 });
    expect(quarantined[0].reason).toMatch(/date.*bad day/);

    expect(await runNamedQuery(engine, 'declarations.count', 'XAA')).toEqual([{ count: 3 }]);
    expect(await runNamedQuery(engine, 'declarations.count', 'XBB')).toEqual([{ count: 0 }]);
    // Columns this layout lacks are left out of data files, yet the view still has them (schema file).
    expect(await engine.query('SELECT count(sellerId) AS n, count(*) AS m FROM declarations')).toEqual([
      { n: 0, m: 3 },
    ]);
    const byMonth = await runNamedQuery(engine, 'declarations.by-month', 'XAA');
    expect(byMonth.map((r) => [r.year, r.month, r.items, r.illicit])).toEqual([
      [2013, 1, 2, 1],
      [2013, 2, 1, 0],
    ]);
  });

  it('leaves no raw identifier anywhere under curated/ or quarantine/, and keeps pseudonyms stable', async () => {
    const files = [...walk(join(root, 'curated')), ...walk(join(root, 'quarantine'))];
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const bytes = readFileSync(f).toString('latin1');
      for (const raw of ['SECRET', 'IMPSECRET001', 'DECSECRET01']) expect(bytes, f).not.toContain(raw);
    }
    const rows = await engine.query(
      "SELECT importerId, count(*) AS n FROM declarations WHERE administration = 'XAA' GROUP BY 1 ORDER BY 2 DESC",
    );
    expect(rows[0].n).toBe(2);
    expect(String(rows[0].importerId)).toMatch(/^P[0-9a-f]{24}$/);
    const keyFile = join(root, 'secrets', 'XAA.key');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
  });

  it('adds nothing when the same bytes are uploaded again', async () => {
    const again = await ingestUpload(deps, request(synthetic([...GOOD, BAD]), 'copy.csv'));
    expect(again.status).toBe('duplicate');
    expect(again.duplicateOf).toBeTruthy();
    expect(again.files).toEqual([]);
    expect(again.rowsIn).toBe(again.rowsAccepted + again.rowsRejected);
    expect(await runNamedQuery(engine, 'declarations.count', 'XAA')).toEqual([{ count: 3 }]);
  });

  it('replaces the rows of an earlier version of the same file name', async () => {
    const corrected = await ingestUpload(deps, request(synthetic(GOOD.slice(0, 2)), 'jan feb.csv'));
    expect(corrected.status).toBe('ingested');
    expect(corrected.replaces).toBeTruthy();
    expect(await runNamedQuery(engine, 'declarations.count', 'XAA')).toEqual([{ count: 2 }]);
    const old = JSON.parse(await store.getText(`manifests/XAA/declarations/${corrected.replaces}.json`));
    expect(old.supersededBy).toBe(corrected.uploadId);
    // A different file adds to the lake.
    await ingestUpload(deps, request(gzipSync(synthetic([GOOD[2]])), 'march.csv.gz'));
    expect(await runNamedQuery(engine, 'declarations.count', 'XAA')).toEqual([{ count: 3 }]);
  });

  it('returns the first manifest for a repeated notification of the same object version', async () => {
    const req = request(synthetic([GOOD[0].replace('SGD1', 'SGD9')]), 'once.csv', {
      sourceKey: 'uploads/XAA/declarations/once.csv',
      versionId: 'v1',
    });
    const first = await ingestUpload(deps, req);
    const second = await ingestUpload(deps, req);
    expect(second.uploadId).toBe(first.uploadId);
  });

  it('quarantines an unreadable file whole, with an error report', async () => {
    const m = await ingestUpload(deps, request('what,is,this\n1,2,3\n', 'mystery.csv'));
    expect(m).toMatchObject({ status: 'unreadable', rowsAccepted: 0, files: [] });
    expect(m.rowsIn).toBe(m.rowsAccepted + m.rowsRejected);
    expect(m.error).toMatch(/unrecognised layout/);
    expect(await store.getText(m.quarantine!.key)).toBe('what,is,this\n1,2,3\n');
    const report = JSON.parse(await store.getText(m.quarantine!.errorReport!));
    expect(report.header).toEqual(['what', 'is', 'this']);
  });

  it('uses a column mapping registered for the administration', async () => {
    await store.put(
      'config/XAA/declarations/mappings/xaa-customs.json',
      JSON.stringify({
        name: 'xaa-customs',
        detect: ['DeclNo', 'DeclDate', 'Tariff'],
        columns: {
          declarationId: 'DeclNo',
          date: 'DeclDate',
          hsCode: 'Tariff',
          importerId: 'TIN',
          cifValue: 'Value',
        },
        dateFormat: 'DD/MM/YYYY',
      }),
    );
    const m = await ingestUpload(
      deps,
      request('DeclNo,DeclDate,Tariff,TIN,Value\nX1,05/03/2013,87032390,TINSECRET,100\n', 'own.csv'),
    );
    expect(m).toMatchObject({ status: 'ingested', format: 'xaa-customs', rowsAccepted: 1 });
  });

  it('ingests the other datasets with their own schemas', async () => {
    writeFileSync(join(root, 'unused'), '');
    const trade = await ingestUpload(
      deps,
      request(
        '"classification","year","flowcode","flow","reportercode","reporteriso","partnercode","partneriso","productcode","unitcode","quantity","weight","tradevalue","flag"\n"H2",2005,1,"Import",8,"ALB",246,"FIN",440799,12,31,15480,4626,0\n"H2",2005,2,"Export",8,"ALB",0,"WLD",440799,12,3,100,-5,0\n',
        'comtrade.csv',
        { dataset: 'trade' },
      ),
    );
    expect(trade).toMatchObject({ format: 'comtrade-bulk', rowsAccepted: 1, rowsRejected: 1 });
    expect(trade.files[0].key).toMatch(/^curated\/trade\/administration=XAA\/year=2005\/month=00\//);
    expect(await runNamedQuery(engine, 'trade.by-partner', 'XAA', { hsPrefix: '4407' })).toEqual([
      {
        // Numeric M49 codes win over ISO3 (Comtrade leaves some areas' ISO3 empty).
        reporter: '8',
        partner: '246',
        flow: 'import',
        year: 2005,
        tradeValueUsd: 4626,
        netWeightKg: 15480,
      },
    ]);
    const revenue = await ingestUpload(
      deps,
      request(
        'year,month,category,amount\n2020,1,Customs duties,100\n2020,13,Customs duties,5\n',
        'rev.csv',
        {
          dataset: 'revenue',
        },
      ),
    );
    expect(revenue).toMatchObject({ format: 'bacuda-revenue', rowsAccepted: 1, rowsRejected: 1 });
    const tariffs = await ingestUpload(
      deps,
      request('hs_code,rate_percent,valid_from\n4407.99,10,2020-01-01\n', 't.csv', { dataset: 'tariffs' }),
    );
    expect(tariffs.rowsAccepted).toBe(1);
    const fx = await ingestUpload(
      deps,
      request('date,currency,rate\n2020-01-02,usd,15.2\n2020-01-02,EURO,1\n', 'fx.csv', { dataset: 'fx' }),
    );
    expect(fx).toMatchObject({ rowsAccepted: 1, rowsRejected: 1 });
    const prices = await ingestUpload(
      deps,
      request(
        'date,observed_at,url,price,currency,converted_price,local_currency,product_key,hs_code,availability\n2013-01-05,2013-01-05T10:00:00Z,https://shop.example/a,12999.00,EUR,14000,XAA,k1,870323,https://schema.org/InStock\n',
        'p.csv',
        { dataset: 'prices' },
      ),
    );
    expect(prices).toMatchObject({ format: 'bacuda-prices', rowsAccepted: 1 });
    expect(await runNamedQuery(engine, 'prices.observations', 'XAA', { hsPrefix: '8703' })).toEqual([
      {
        date: '2013-01-05',
        url: 'https://shop.example/a',
        price: 12999,
        currency: 'EUR',
        convertedPrice: 14000,
        productKey: 'k1',
        hsCode: '870323',
      },
    ]);
    // Declaration items whose HS6 (870323) has observations: the corrected January file's and once.csv's.
    const matched = await runNamedQuery(engine, 'declarations.price-matched', 'XAA', { to: '2013-01-31' });
    expect(matched.map((r) => r.declarationId)).toEqual(['SGD1', 'SGD9', 'SGD2']);
    expect(await runNamedQuery(engine, 'fx.rates', 'XAA', { currency: 'USD' })).toEqual([
      { date: '2020-01-02', currency: 'USD', rate: 15.2 },
    ]);
  });
}
