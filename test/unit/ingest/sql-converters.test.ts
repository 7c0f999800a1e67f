import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConvertOptions,
  type FieldDef,
  type FieldKind,
  Invalid,
  makeConverter,
} from '../../../shared/ingest/fields.ts';
import { hmacPads, Pseudonymiser } from '../../../shared/ingest/pseudonymise.ts';
import { sqlCell, sqlRowCertain, sqlString } from '../../../shared/ingest/sql-converters.ts';

// The bulk path may only accept a cell when the JS converter would accept it with exactly the same
// value: every cell the SQL calls certain is checked against makeConverter here, through DuckDB's real
// CSV reader with the bulk loader's options.

let db: DuckDBInstance;
let conn: DuckDBConnection;
const dir = mkdtempSync(join(tmpdir(), 'bacuda-sqlconv-'));
beforeAll(async () => {
  db = await DuckDBInstance.create(':memory:');
  conn = await db.connect();
});
afterAll(() => {
  conn.closeSync();
  db.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

function csvCell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

let fileNo = 0;
/** Reads the cells as the bulk loader would; returns certainty and value for each row DuckDB kept. */
async function throughDuckDb(
  field: FieldDef,
  cells: string[],
  options: ConvertOptions & { quoteAll?: boolean } = {},
): Promise<Map<number, { certain: boolean; value: unknown }>> {
  const path = join(dir, `cells-${fileNo++}.csv`);
  const quote = options.quoteAll ? (c: string) => `"${c.replaceAll('"', '""')}"` : csvCell;
  writeFileSync(path, `i,x\n${cells.map((c, i) => `${i},${quote(c)}`).join('\n')}\n`);
  const cell = sqlCell(field, 'c1', options);
  const value = field.kind === 'date' ? `CAST(${cell.value} AS VARCHAR)` : cell.value;
  const reader =
    await conn.runAndReadAll(`SELECT CAST(c0 AS INTEGER) AS i, ${cell.certain} AS certain, ${value} AS v
    FROM read_csv(${sqlString(path)}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
      columns = {'c0': 'VARCHAR', 'c1': 'VARCHAR'}, nullstr = ['', 'NA', 'NULL'], store_rejects = true)`);
  const out = new Map<number, { certain: boolean; value: unknown }>();
  for (const r of reader.getRowObjectsJS()) out.set(Number(r.i), { certain: r.certain === true, value: r.v });
  return out;
}

const WEIRD = [
  '',
  ' ',
  '\t',
  'NA',
  'NULL',
  'null',
  ' x',
  'x ',
  '\u00a0x',
  'x\u3000',
  'a\nb',
  '-',
  '+',
  '.',
  'é',
  '0x10',
  '1_000',
  'inf',
  'Infinity',
  'nan',
  '1e5',
  '1E-3',
  '+5',
  '-5',
  '-0',
  ' 5',
  '5 ',
  '5.',
  '.5',
  '1,234.5',
  '1.234,5',
  '00012',
  '123456789012345678901234567890',
  '1e400',
  '9'.repeat(400),
  '+-1',
  '1.0_1',
  'x'.repeat(130),
  'é'.repeat(129),
];

const CASES: {
  kind: FieldKind;
  plain: string[];
  more?: string[];
  field?: Partial<FieldDef>;
  options?: ConvertOptions;
}[] = [
  { kind: 'text', plain: ['SGD1', 'A 1', 'x\ny', 'ÿé'], more: ['ÿ€', '€'] },
  { kind: 'identifier', plain: ['IMP123', 'TIN-9', 'back\\slash', 'ünï'] },
  { kind: 'code', plain: ['OFFICE25', 'A.B/C-D_E', 'A B'], more: ['A@B', ' A', 'A ', 'x'.repeat(64)] },
  { kind: 'count', plain: ['1', '42', '007'], more: ['1.0', '1 of 3', '1.5', '9999999999'] },
  {
    kind: 'amount',
    plain: ['0', '12', '12.5', '0.1', '1234567.891', '9007199254740993', '0.30000000000000004441'],
  },
  { kind: 'number', plain: ['-12.5', '0', '3'] },
  {
    kind: 'date',
    plain: ['2013-01-31', '13-01-31', '14-Aug-14', '1-Jan-99', '69-12-31', '70-01-01'],
    more: [
      '2013-02-30',
      '13-02-29',
      '12-02-29',
      '2013-1-31',
      '2013/01/31',
      '13/01/31',
      '20130131',
      '31/01/2013',
      '14-Foo-14',
      '14-aug-14',
      '14 Aug 14',
      '14-August-14',
      '1899-12-31',
      '2101-01-01',
      '0013-01-01',
      '2013-01-31T10:00:00',
    ],
  },
  {
    kind: 'date',
    options: { dateFormat: 'DD/MM/YYYY' },
    plain: ['05/03/2013', '5/3/2013', '31/12/1999', '29/02/2012', '2013-01-31', '13-01-31'],
    more: [
      '31/02/2013',
      '29/02/2013',
      '13/13/2013',
      '05/03/13',
      '05.03.2013',
      '2013/03/05',
      '00/01/2013',
      '1/1/1899',
    ],
  },
  {
    kind: 'date',
    options: { dateFormat: 'MM/DD/YYYY' },
    plain: ['03/05/2013', '12/31/1999', '2/29/2012'],
    more: ['31/12/1999', '2/30/2012', '05/03/2013 10:00', '1/1/2101'],
  },
  { kind: 'hs', plain: ['870323', '8703239000', '870323900'], more: ['8703.23', '87', '1234567890123'] },
  { kind: 'country', plain: ['FIN', 'fin', '8', 'CNTRY680'], more: ['F', 'F-N', 'ÅLAND'] },
  { kind: 'flag', plain: ['0', '1', 'true', 'No', 'Y', '1.0'], more: ['2', 'T', 'yes please'] },
  { kind: 'year', plain: ['2013', '1900', '2100'], more: ['1899', '13', '2013.0'] },
  { kind: 'month', plain: ['1', '01', '12'], more: ['0', '13', 'Jan', 'January'] },
  { kind: 'currency', plain: ['USD', 'eur'], more: ['EURO', 'U$D'] },
  { kind: 'flow', plain: ['Import', 'x', '2', 'Re-Export'], more: ['imp', 'exportt'] },
];

describe('SQL converters agree with the JS converters', () => {
  for (const c of CASES) {
    for (const required of [false, true]) {
      it(`${c.kind}${c.options?.dateFormat ? ` ${c.options.dateFormat}` : ''}${required ? ' (required)' : ''}: every certain cell has the JS value, and plain cells are certain`, async () => {
        const field: FieldDef = { name: 'f', kind: c.kind, required, doc: '', minDigits: 6, ...c.field };
        const options = c.options ?? (c.kind === 'hs' ? { hsLength: 10 } : {});
        const cells = [...c.plain, ...(c.more ?? []), ...WEIRD];
        const got = await throughDuckDb(field, cells, options);
        const js = makeConverter(field, options);
        for (const [i, { certain, value }] of got) {
          if (!certain) continue;
          const expected = js(cells[i]);

          expect(expected, `JS rejects ${JSON.stringify(cells[i])}, SQL accepted it`).not.toBeInstanceOf(
            Invalid,
          );
          expect(value, `value of ${JSON.stringify(cells[i])}`).toBe(expected);
        }
        for (let i = 0; i < c.plain.length; i++)
          expect(got.get(i)?.certain, `plain ${JSON.stringify(c.plain[i])} should be certain`).toBe(true);
      });
    }
  }
});

describe('a row checked in one match', () => {
  it('is certain only when every cell is, and a unit separator inside a cell never passes', async () => {
    const fields: FieldDef[] = [
      { name: 'id', kind: 'text', required: true, doc: '' },
      { name: 'v', kind: 'amount', doc: '' },
      { name: 'd', kind: 'date', doc: '' },
    ];
    const rows = [
      ['A', '12.5', '2013-01-31'],
      ['A', '', ''],
      ['', '1', '2013-01-31'],
      ['A\x1f1', '2013-01-31', ''],
      ['A', '1\x1f2', '2013-01-31'],
      ['A', '1', '2013-02-30'],
      ['A', '-1', '2013-01-31'],
    ];
    const path = join(dir, 'rows.csv');
    writeFileSync(path, `i,a,b,c\n${rows.map((r, i) => [i, ...r.map(csvCell)].join(',')).join('\n')}\n`);
    const certain = sqlRowCertain(fields.map((field, k) => ({ field, r: `c${k + 1}` })));
    const got = (
      await conn.runAndReadAll(`SELECT CAST(c0 AS INTEGER) AS i, ${certain} AS ok
        FROM read_csv(${sqlString(path)}, header = true, auto_detect = false, quote = '"', escape = '"',
          columns = {'c0': 'VARCHAR', 'c1': 'VARCHAR', 'c2': 'VARCHAR', 'c3': 'VARCHAR'}, nullstr = ['', 'NA', 'NULL'])
        ORDER BY i`)
    ).getRowObjectsJS();
    expect(got.map((r) => r.ok)).toEqual([true, true, false, false, false, false, false]);
  });
});

describe('empty cells', () => {
  it('are NULL whether quoted or not, as for the JS converters', async () => {
    const field: FieldDef = { name: 'f', kind: 'code', doc: '' };
    for (const quoteAll of [false, true]) {
      const got = await throughDuckDb(field, ['', 'NA', 'NULL', 'X'], { quoteAll });
      expect([...got.values()]).toEqual([
        { certain: true, value: null },
        { certain: true, value: null },
        { certain: true, value: null },
        { certain: true, value: 'X' },
      ]);
    }
  });
});

describe('pseudonyms computed from DuckDB sha256', () => {
  for (const keyLength of [32, 64, 100]) {
    it(`equal the JS HMAC pseudonyms (key of ${keyLength} bytes)`, async () => {
      const key = Uint8Array.from({ length: keyLength }, (_, i) => (i * 37 + 11) % 256);
      const { ipad, opad } = hmacPads(key);
      const hex = (b: Uint8Array) => `from_hex('${Buffer.from(b).toString('hex')}')`;
      const ids = ['IMP1', 'ünïcode', 'back\\x41slash', "o'brien", 'x'.repeat(300)];
      const rows = (
        await conn.runAndReadAll(
          `SELECT v, 'P' || left(sha256(${hex(opad)} || from_hex(sha256(${hex(ipad)} || encode(v)))), 24) AS p
           FROM (VALUES ${ids.map((v) => `(${sqlString(v)})`).join(', ')}) AS t(v)`,
        )
      ).getRowObjectsJS();
      const js = new Pseudonymiser(key);
      expect(rows.map((r) => r.p)).toEqual(ids.map((v) => js.pseudonym(v)));
    });
  }
});
