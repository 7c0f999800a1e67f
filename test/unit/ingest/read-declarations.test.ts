import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  DECLARATION_FIELD_DEFS,
  DECLARATION_FIELDS,
  type DeclarationRow,
  type ReadDeclarationsOptions,
  readDeclarationsFile,
  UnreadableFileError,
} from '../../../shared/declarations/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'bacuda-read-'));
let n = 0;
function file(content: string | Uint8Array, name = `f${n++}.csv`): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
async function readAll(path: string, options: ReadDeclarationsOptions = {}): Promise<DeclarationRow[]> {
  const rows: DeclarationRow[] = [];
  for await (const r of readDeclarationsFile(path, options)) rows.push(r);
  return rows;
}

const SYNTHETIC = [
  'sgd.id,sgd.date,importer.id,declarant.id,country,office.id,tariff.code,quantity,gross.weight,fob.value,cif.value,total.taxes,illicit,revenue',
  'SGD1,13-01-02,IMP826164,DEC5010,CNTRY680,OFFICE51,8703239000,1,1500,8000,10000,3000,0,0',
  'SGD2,13-01-02,IMP000001,DEC5010,CNTRY759,OFFICE92,302190000,10,200,800,1000,120,1,980',
].join('\n');

const RAW = [
  'YEAR,OFFICE,SGD.NUMBER,SGD.DATE,RECEIPT.NUMBER,RECEIPT.DATE,SGD.MODEL,IMPORTER.TIN,IMPORTER.NAME,DECLARANT.CODE,DECLARANT.NAME,FOB.VALUE,CIF.VALUE,ITEM.NUMBER,TARIFF.CODE,TARIFF.DESCRIPTION,QUANTITY,ORIGIN.CODE,TOTAL.TAXES,GROSS.WEIGHT,INSPECTION.INFORMATION,SELECTIVITY.LANE,EXCHANGERATE,CIF_USD_EQUIVALENT,illicit,RAISED_TAX_AMOUNT',
  '2014,OFFICE40,SGD1,14-Aug-14,RCP1,18-Aug-14,IM 4,IMP1,IMPNAME1,DEC1,DECNAME1,556,583,2 of 3,7321119014,"Cooking appliances, max 2 burners",191.0,CNTRY652,70.0,675.0,"1.LINE ONE\r\n2.LINE ""TWO"", with comma\r\n",RED,155.73,374.4,1,12.5',
  '2016,OFFICE81,SGD2,28-Dec-16,RCP2,28-Dec-16,IM 4,IMP2,IMPNAME2,DEC2,DECNAME2,391,393,1 of 1,8703232000,Used vehicles,1.0,CNTRY884,176.0,1500.0,plain,RED,305.0,1289.9,0,0.0',
].join('\r\n');

const KCS = [
  'Declaration ID,Date,Office ID,Process Type,Import Type,Import Use,Payment Type,Mode of Transport,Declarant ID,Importer ID,Seller ID,Courier ID,HS6 Code,Country of Departure,Country of Origin,Tax Rate,Tax Type,Country of Origin Indicator,Net Mass,Item Price,Fraud,Critical Fraud',
  '97061800,2020-01-01,30,B,11,21,11,10,ZZR1LT6,QLRUBN9,0VKY2BR,,440890,BE,BE,0.0,FEU1,G,108.0,372254.4,0,0',
  '94070719,2020-01-01,10,B,80,26,11,40,YEVMXEV,EAPRJGG,NTDG5EH,W6UCD9,220870,CN,CN,12.0,FCN1,Y,500.0,78900.0,1,2',
].join('\n');

describe('readDeclarationsFile', () => {
  it('keeps the field definitions in step with the canonical schema', () => {
    expect(DECLARATION_FIELD_DEFS.map((f) => f.name)).toEqual([...DECLARATION_FIELDS]);
  });

  it('reads the WCO BACUDA synthetic layout', async () => {
    const info = {} as ReadDeclarationsOptions['info'];
    const rows = await readAll(file(SYNTHETIC), { info });
    expect(info?.format).toBe('wco-bacuda-synthetic');
    expect(rows.map((r) => r.rowNumber)).toEqual([1, 2]);
    expect(rows[0].errors).toEqual([]);
    expect(rows[0].declaration).toMatchObject({
      declarationId: 'SGD1',
      itemNumber: 1,
      date: '2013-01-02',
      importerId: 'IMP826164',
      declarantId: 'DEC5010',
      originCountry: 'CNTRY680',
      officeId: 'OFFICE51',
      hsCode: '8703239000',
      cifValue: 10000,
      illicit: 0,
      revenue: 0,
    });
    // A 10-digit tariff stored as a number lost its leading zero: restored.
    expect(rows[1].declaration.hsCode).toBe('0302190000');
  });

  it('reads the WCO raw layout with multi-line quoted text, and drops names and free text', async () => {
    const info = {} as ReadDeclarationsOptions['info'];
    const rows = await readAll(file(RAW), { info });
    expect(info?.format).toBe('wco-raw');
    expect(rows).toHaveLength(2);
    expect(rows[0].errors).toEqual([]);
    expect(rows[0].declaration).toMatchObject({
      declarationId: 'SGD1',
      itemNumber: 2,
      date: '2014-08-14',
      importerId: 'IMP1',
      declarantId: 'DEC1',
      hsCode: '7321119014',
      quantity: 191,
      illicit: 1,
      revenue: 12.5,
    });
    expect(rows[1].line).toBe(5);
    expect(rows[1].declaration.date).toBe('2016-12-28');
    const text = JSON.stringify(rows);
    for (const secret of ['IMPNAME1', 'DECNAME1', 'LINE ONE', 'Cooking']) expect(text).not.toContain(secret);
  });

  it('reads the Korea Customs Service layout', async () => {
    const rows = await readAll(file(KCS));
    expect(rows[1].declaration).toMatchObject({
      declarationId: '94070719',
      date: '2020-01-01',
      hsCode: '220870',
      importerId: 'EAPRJGG',
      declarantId: 'YEVMXEV',
      sellerId: 'NTDG5EH',
      courierId: 'W6UCD9',
      departureCountry: 'CN',
      taxRate: 12,
      weightKg: 500,
      cifValue: 78900,
      illicit: 1,
      transportMode: '40',
    });
    expect(rows[0].declaration.courierId).toBeNull();
  });

  it('reads gzip by content, whatever the name', async () => {
    const rows = await readAll(file(gzipSync(KCS), 'kcs.csv'));
    expect(rows).toHaveLength(2);
    const rows2 = await readAll(file(gzipSync(SYNTHETIC), 'x.csv.gz'));
    expect(rows2[0].declaration.declarationId).toBe('SGD1');
  });

  it('reads a file whose lines end with a carriage return alone (old Mac), losing no row', async () => {
    const rows = await readAll(file(`${SYNTHETIC}\r`.replaceAll('\n', '\r')));
    expect(rows.map((r) => r.declaration.declarationId)).toEqual(['SGD1', 'SGD2']);
  });

  it('reports per-row validation errors with row numbers, keeping every row', async () => {
    const bad = [
      SYNTHETIC.split('\n')[0],
      'SGD1,13-02-30,IMP1,DEC1,CNTRY1,OFFICE1,8703239000,1,1,1,1,1,0,0',
      'SGD2,13-01-02,IMP1,DEC1,CNTRY1,OFFICE1,87AB,1,1,1,1,1,0,0',
      'SGD3,13-01-02,IMP1,DEC1,CNTRY1,OFFICE1,8703239000,-5,1,1,abc,1,2,0',
      ',13-01-02,IMP1,DEC1,CNTRY1,OFFICE1,8703239000,1,1,1,1,1,0',
      'SGD5,13-01-02,IMP1,DEC1,CNTRY1,OFFICE1,8703239000,1,1,1,1,1,0,0',
    ].join('\n');
    const rows = await readAll(file(bad));
    expect(rows).toHaveLength(5);
    const fields = rows.map((r) => r.errors.map((e) => e.field).sort());
    expect(fields).toEqual([
      ['date'],
      ['hsCode'],
      ['cifValue', 'illicit', 'quantity'],
      ['*', 'declarationId'],
      [],
    ]);
    expect(rows[2].errors.find((e) => e.field === 'quantity')?.message).toMatch(/negative/);
  });

  it('treats a truncated last record as a bad row, not a lost one', async () => {
    const rows = await readAll(
      file(`${RAW}\r\n2015,OFFICE1,SGD3,1-Jan-15,R,1-Jan-15,IM 4,IMP3,N,DEC3,N,1,1,1 of 1,8703232000,"open`),
    );
    expect(rows).toHaveLength(3);
    expect(rows[2].errors[0].message).toMatch(/unterminated/);
  });

  it('rejects a file whose header matches no layout, naming the known ones', async () => {
    await expect(readAll(file('a,b,c\n1,2,3\n'))).rejects.toThrow(UnreadableFileError);
    await expect(readAll(file('a,b,c\n1,2,3\n'))).rejects.toThrow(/kcs/);
    await expect(readAll(file(''))).rejects.toThrow(/empty/);
  });

  it('reads a layout registered as a column mapping, with semicolons and DD/MM/YYYY dates', async () => {
    const mapping = {
      name: 'xyz-customs',
      detect: ['Decl No', 'Decl Date', 'HS'],
      columns: {
        declarationId: 'Decl No',
        date: 'Decl Date',
        hsCode: 'HS',
        importerId: 'TIN',
        cifValue: 'Value',
      },
      dateFormat: 'DD/MM/YYYY' as const,
    };
    const rows = await readAll(file('Decl No;Decl Date;HS;TIN;Value\nX1;31/01/2024;870323;T9;1 234.5\n'), {
      mappings: [mapping],
    });
    expect(rows[0].declaration).toMatchObject({
      declarationId: 'X1',
      date: '2024-01-31',
      hsCode: '870323',
      importerId: 'T9',
    });
    expect(rows[0].errors.map((e) => e.field)).toEqual(['cifValue']);
  });
});
