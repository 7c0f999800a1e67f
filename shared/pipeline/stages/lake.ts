import type { Declaration } from '../../declarations/canonical.ts';
import { DECLARATION_FIELDS } from '../../declarations/canonical.ts';
import type { QueryEngine, Row } from '../../ports/query-engine.ts';
import type { Partition } from '../contracts.ts';

/**
 * The few lake reads the pipeline's stages make. Values are always bound; table and column names are fixed here.
 * The SQL stays in the subset DuckDB and Athena (Trino) share.
 */
const COLUMNS = DECLARATION_FIELDS.map((f) => `"${f}"`).join(', ');

function toDeclaration(row: Row): Declaration {
  const d = {} as Record<string, unknown>;
  for (const f of DECLARATION_FIELDS) d[f] = row[f] ?? null;
  const date = d.date;
  d.date = typeof date === 'string' ? date.slice(0, 10) : String(date ?? '');
  d.itemNumber = Number(d.itemNumber ?? 1);
  d.illicit = d.illicit === null ? null : Number(d.illicit) === 1 ? 1 : 0;
  return d as unknown as Declaration;
}

export async function declarationsOfPartition(engine: QueryEngine, p: Partition): Promise<Declaration[]> {
  const rows = await engine.query(
    `SELECT ${COLUMNS} FROM declarations WHERE administration = ? AND year = ? AND month = ? ORDER BY "date", "declarationId", "itemNumber"`,
    [p.administration, p.year, p.month],
  );
  return rows.map(toDeclaration);
}

/** Labelled declarations before a date (no leakage into the period being scored), most recent first, capped. */
export async function labelledDeclarations(
  engine: QueryEngine,
  admin: string,
  limit: number,
): Promise<Declaration[]> {
  const rows = await engine.query(
    `SELECT ${COLUMNS} FROM declarations WHERE administration = ? AND illicit IS NOT NULL ORDER BY "date" DESC, "declarationId" LIMIT ${Math.trunc(limit)}`,
    [admin],
  );
  return rows.map(toDeclaration).reverse();
}
