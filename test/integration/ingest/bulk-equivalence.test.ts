import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDbBulkLoader } from '../../../shared/adapters/duckdb-bulk-loader.ts';
import { FsObjectStore } from '../../../shared/adapters/fs-object-store.ts';
import { writeDemoFile } from '../../../shared/demo/write-demo-file.ts';
import { ingestUpload } from '../../../shared/ingest/ingest.ts';
import type { ColumnMapping } from '../../../shared/ingest/layout.ts';
import { LocalKeyStore } from '../../../shared/ingest/local-key-store.ts';
import type { Manifest } from '../../../shared/ingest/manifest.ts';
import { fileBytes } from '../../../shared/ingest/source.ts';

// The bulk (DuckDB) path must write exactly what the streaming JS path writes: same rows, same values,
// same pseudonyms, same partitions. Each file is ingested both ways into two stores sharing one key
// folder, and the two lakes are compared row for row.

const dir = mkdtempSync(join(tmpdir(), 'bacuda-bulk-eq-'));
const keys = new LocalKeyStore(join(dir, 'keys'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let run = 0;
async function ingestBothWays(
  path: string,
  dataset = 'declarations',
  mappings: ColumnMapping[] = [],
): Promise<{ lakes: [string, string]; manifests: Manifest[]; bulkLog: string[] }> {
  const bulkLog: string[] = [];
  const lakes: [string, string] = [join(dir, `js-${run}`), join(dir, `bulk-${run}`)];
  run++;
  const manifests: Manifest[] = [];
  for (const [i, root] of lakes.entries()) {
    manifests.push(
      await ingestUpload(
        {
          store: new FsObjectStore(root),
          keys,
          ...(i === 1 ? { bulk: new DuckDbBulkLoader(), log: (l: string) => bulkLog.push(l) } : {}),
        },
        {
          admin: 'XAA',
          dataset,
          fileName: 'upload.csv',
          open: async () => fileBytes(path),
          localPath: path,
          mappings,
        },
      ),
    );
  }
  return { lakes, manifests, bulkLog };
}

/** Every row of a lake's dataset, partition keys included, as sorted JSON lines. */
async function lakeRows(root: string, dataset: string): Promise<string[]> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    const reader = await conn.runAndReadAll(
      `SELECT * FROM read_parquet('${root}/curated/${dataset}/*/*/*/*.parquet', hive_partitioning = true, union_by_name = true)
       WHERE year <> '0000'`,
    );
    return reader
      .getRowObjectsJson()
      .map((r) =>
        JSON.stringify(Object.fromEntries(Object.entries(r).sort(([a], [b]) => a.localeCompare(b)))),
      )
      .sort();
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

function comparable(m: Manifest) {
  return {
    status: m.status,
    format: m.format,
    compression: m.compression,
    sha256: m.sha256,
    rowsIn: m.rowsIn,
    rowsAccepted: m.rowsAccepted,
    rowsRejected: m.rowsRejected,
    rejectedByField: m.rejectedByField,
    partitions: [...new Set(m.files.map((f) => `${f.year}-${f.month}`))].sort(),
    rowsPerPartition: Object.entries(
      m.files.reduce<Record<string, number>>((acc, f) => {
        acc[`${f.year}-${f.month}`] = (acc[`${f.year}-${f.month}`] ?? 0) + f.rows;
        return acc;
      }, {}),
    ).sort(),
  };
}

describe('bulk ingest path', () => {
  it('writes the same lake as the streaming path for a clean generated file', async () => {
    const path = join(dir, 'generated.csv');
    await writeDemoFile(path, { rows: 3000, seed: 7, year: 2013 });
    const { lakes, manifests, bulkLog } = await ingestBothWays(path);
    expect(bulkLog.some((l) => l.startsWith('bulk: 3000 rows'))).toBe(true);
    expect(comparable(manifests[1])).toEqual(comparable(manifests[0]));
    const [js, bulk] = [await lakeRows(lakes[0], 'declarations'), await lakeRows(lakes[1], 'declarations')];
    expect(js).toHaveLength(3000);
    expect(bulk).toEqual(js);
  });

  it('reads gzip, quoted multi-line text and four identifier columns (KCS layout) the same way', async () => {
    const header =
      'Declaration ID,Date,Office ID,Process Type,Import Type,Import Use,Payment Type,Mode of Transport,Declarant ID,Importer ID,Seller ID,Courier ID,HS6 Code,Country of Departure,Country of Origin,Tax Rate,Tax Type,Country of Origin Indicator,Net Mass,Item Price,Fraud,Critical Fraud';
    const lines = [header];
    for (let i = 0; i < 400; i++)
      lines.push(
        [
          i % 50 === 0 ? `"D${i}\nsecond line"` : `D${i}`,
          `2020-0${1 + (i % 9)}-1${i % 10}`,
          `OF${i % 7}`,
          'B',
          '21',
          i % 3 ? '21' : '',
          '11',
          'ETC',
          `DEC${i % 13}`,
          `IMP${i % 41}`,
          i % 5 ? `SEL${i % 17}` : 'NA',
          i % 4 ? '' : `COU${i % 3}`,
          `${850000 + i}`,
          'CN',
          'cn',
          '8.0',
          'A',
          'G',
          `${(i * 1.7).toFixed(1)}`,
          `${i * 1000 + 0.25}`,
          `${i % 2}`,
          '0',
        ].join(','),
      );
    const path = join(dir, 'kcs.csv.gz');
    writeFileSync(path, gzipSync(`${lines.join('\r\n')}\r\n`));
    const { lakes, manifests, bulkLog } = await ingestBothWays(path);
    expect(manifests[0]).toMatchObject({ format: 'kcs', compression: 'gzip', rowsAccepted: 400 });
    expect(bulkLog.some((l) => l.startsWith('bulk: 400 rows'))).toBe(true);
    expect(comparable(manifests[1])).toEqual(comparable(manifests[0]));
    expect(await lakeRows(lakes[1], 'declarations')).toEqual(await lakeRows(lakes[0], 'declarations'));
  });

  it("reads an administration's own layout with day-first slash dates the same way", async () => {
    const mapping: ColumnMapping = {
      name: 'own-layout',
      detect: ['DeclNo', 'DeclDate', 'Tariff'],
      columns: {
        declarationId: 'DeclNo',
        date: 'DeclDate',
        hsCode: 'Tariff',
        importerId: 'TIN',
        cifValue: 'Value',
      },
      dateFormat: 'DD/MM/YYYY',
    };
    const rows = Array.from(
      { length: 300 },
      (_, i) =>
        `X${i},${1 + (i % 28)}/${1 + (i % 12)}/20${10 + (i % 5)},${87032390 + i},TIN${i % 37},${i * 3.5}`,
    );
    const path = join(dir, 'own.csv');
    writeFileSync(path, `DeclNo,DeclDate,Tariff,TIN,Value\n${rows.join('\n')}\n`);
    const { lakes, manifests, bulkLog } = await ingestBothWays(path, 'declarations', [mapping]);
    expect(manifests[0]).toMatchObject({ format: 'own-layout', rowsAccepted: 300 });
    expect(bulkLog.some((l) => l.startsWith('bulk: 300 rows'))).toBe(true);
    expect(comparable(manifests[1])).toEqual(comparable(manifests[0]));
    expect(await lakeRows(lakes[1], 'declarations')).toEqual(await lakeRows(lakes[0], 'declarations'));
  });

  it('declines a file with a row needing a reason, which the streaming path then quarantines', async () => {
    const path = join(dir, 'one-bad.csv');
    await writeDemoFile(path, { rows: 500, seed: 3, year: 2013 });
    appendFileSync(path, 'SGD999999,13-02-30,IMP1,DEC1,CNTRY1,OFFICE1,8703239000,1,1,1,1,1,0,0\n');
    const { lakes, manifests, bulkLog } = await ingestBothWays(path);
    expect(bulkLog.some((l) => l.includes('streaming path (a row needs row-level checks)'))).toBe(true);
    expect(manifests[1]).toMatchObject({ rowsIn: 501, rowsAccepted: 500, rowsRejected: 1 });
    expect(comparable(manifests[1])).toEqual(comparable(manifests[0]));
    expect(await lakeRows(lakes[1], 'declarations')).toEqual(await lakeRows(lakes[0], 'declarations'));
  });

  it('declines a record with a wrong number of fields', async () => {
    const path = join(dir, 'ragged.csv');
    await writeDemoFile(path, { rows: 200, seed: 4, year: 2013 });
    appendFileSync(path, 'SGD999999,13-02-03,IMP1\n');
    const { manifests, bulkLog } = await ingestBothWays(path);
    expect(bulkLog.some((l) => l.includes('streaming path (1 record(s) DuckDB could not parse)'))).toBe(true);
    expect(manifests[1]).toMatchObject({ rowsIn: 201, rowsAccepted: 200, rowsRejected: 1 });
  });
});
