import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.ts';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), log: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('bacuda ingest / bacuda query', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bacuda-cli-'));
  const store = join(dir, 'store');
  const file = join(dir, 'kcs.csv');
  writeFileSync(
    file,
    [
      'Declaration ID,Date,Office ID,Process Type,Import Type,Import Use,Payment Type,Mode of Transport,Declarant ID,Importer ID,Seller ID,Courier ID,HS6 Code,Country of Departure,Country of Origin,Tax Rate,Tax Type,Country of Origin Indicator,Net Mass,Item Price,Fraud,Critical Fraud',
      '1,2020-01-01,30,B,11,21,11,10,D1,I1,S1,,440890,BE,BE,0.0,FEU1,G,108.0,372254.4,0,0',
      '2,2020-02-01,30,B,11,21,11,10,D1,I2,S1,,440890,BE,BE,0.0,FEU1,G,108.0,-1,0,0',
    ].join('\n'),
  );

  it('ingest prints the manifest; query prints JSON rows', async () => {
    const ingested = await run(['ingest', file, '--admin', 'XAA', '--store', store]);
    expect(ingested.code).toBe(0);
    const manifest = JSON.parse(ingested.out);
    expect(manifest).toMatchObject({
      format: 'kcs',
      rowsIn: 2,
      rowsAccepted: 1,
      rowsRejected: 1,
      schemaVersion: 1,
    });
    expect(Object.keys(manifest).slice(0, 4)).toEqual(['uploadId', 'administration', 'dataset', 'status']);
    const counted = await run(['query', 'declarations.count', '--admin', 'XAA', '--store', store]);
    expect(JSON.parse(counted.out)).toEqual([{ count: 1 }]);
    const byMonth = await run([
      'query',
      'declarations.by-month',
      '--admin',
      'XAA',
      '--param',
      'year=2020',
      '--store',
      store,
    ]);
    expect(JSON.parse(byMonth.out)).toEqual([expect.objectContaining({ year: 2020, month: 1, items: 1 })]);
  });

  it('reports bad invocations and unreadable files clearly', async () => {
    expect((await run(['ingest', file, '--store', store])).code).toBe(2);
    expect((await run(['ingest', file, '--admin', 'xaa; rm', '--store', store])).code).toBe(2);
    expect((await run(['ingest', join(dir, 'missing.csv'), '--admin', 'XAA', '--store', store])).err).toMatch(
      /cannot read/,
    );
    const junk = join(dir, 'junk.csv');
    writeFileSync(junk, 'a,b\n1,2\n');
    const unreadable = await run(['ingest', junk, '--admin', 'XAA', '--store', store]);
    expect(unreadable.code).toBe(1);
    expect(JSON.parse(unreadable.out).status).toBe('unreadable');
    const bad = await run(['query', 'declarations.count', '--admin', 'XAA', '--param', 'from=yesterday']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/from/);
  });
});
