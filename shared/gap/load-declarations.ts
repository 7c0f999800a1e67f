import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDeclarationsFile } from '../declarations/index.ts';
import type { ExclusionCount, SqlSession } from '../mirror/load-comtrade.ts';

/**
 * Loads a declarations file (any layout the declarations reader knows) into a `declarations` table of
 * a DuckDB session, with the lake's canonical column names, so the gap SQL reads it exactly as it
 * reads the lake. Rows the reader flags are counted per reason and left out.
 *
 * The reader yields rows in JavaScript; they are streamed to a temporary CSV and loaded by DuckDB's
 * read_csv (all aggregation happens in SQL afterwards).
 */
export interface DeclarationsLoadReport {
  format: string | null;
  rows: number;
  loaded: number;
  excluded: { total: number; reasons: ExclusionCount[] };
}

const COLUMNS = {
  date: 'VARCHAR',
  hsCode: 'VARCHAR',
  originCountry: 'VARCHAR',
  quantity: 'DOUBLE',
  weightKg: 'DOUBLE',
  cifValue: 'DOUBLE',
  taxRate: 'DOUBLE',
  totalTaxes: 'DOUBLE',
} as const;

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export async function loadDeclarationsFile(db: SqlSession, path: string): Promise<DeclarationsLoadReport> {
  const dir = mkdtempSync(join(tmpdir(), 'bacuda-decl-'));
  const tmp = join(dir, 'declarations.csv');
  const names = Object.keys(COLUMNS) as (keyof typeof COLUMNS)[];
  const reasons = new Map<string, number>();
  let rows = 0;
  let loaded = 0;
  const info: { format?: string } = {};
  try {
    const out = createWriteStream(tmp);
    out.write(`${names.join(',')}\n`);
    for await (const { declaration, errors } of readDeclarationsFile(path, { info })) {
      rows++;
      const problem = errors.length
        ? `${errors[0].field}: ${errors[0].message}`
        : declaration.cifValue === null
          ? 'cifValue: missing customs value'
          : null;
      if (problem) {
        reasons.set(problem, (reasons.get(problem) ?? 0) + 1);
        continue;
      }
      loaded++;
      const line = `${names.map((n) => csvCell(declaration[n])).join(',')}\n`;
      if (!out.write(line)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    const types = names.map((n) => `'${n}': '${COLUMNS[n]}'`).join(', ');
    await db.exec(
      `CREATE OR REPLACE TABLE declarations AS SELECT * FROM read_csv('${tmp.replaceAll("'", "''")}',
         header = true, columns = {${types}})`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const list = [...reasons.entries()]
    .map(([reason, n]) => ({ reason, rows: n }))
    .sort((a, b) => b.rows - a.rows || a.reason.localeCompare(b.reason));
  return {
    format: info.format ?? null,
    rows,
    loaded,
    excluded: { total: rows - loaded, reasons: list },
  };
}
