import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import { type QueryEngine, QueryFailedError, type Row, type SqlValue } from '../ports/query-engine.ts';

/** A lake table as DuckDB sees it: Parquet files under a glob, or an empty typed table when none exist yet. */
export interface LakeTable {
  /** e.g. /abs/store/curated/declarations/**\/*.parquet */
  glob: string;
  /** Column DDL used when no file exists yet, e.g. "declarationId VARCHAR, date DATE". */
  emptySchema: string;
  /** Types of Hive partition keys (DuckDB reads `month=01` as text unless told), as Glue declares them. */
  hiveTypes?: Record<string, string>;
}

/**
 * QueryEngine on DuckDB, standing in for Athena on one machine. Lake tables are views over the same
 * Hive-partitioned Parquet files Athena reads, so one named query serves both.
 */
export class DuckDbQueryEngine implements QueryEngine {
  private connection?: Promise<DuckDBConnection>;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly tables: Record<string, LakeTable>;
  private readonly populated = new Set<string>();

  constructor(tables: Record<string, LakeTable> = {}) {
    this.tables = tables;
  }

  private connect(): Promise<DuckDBConnection> {
    this.connection ??= DuckDBInstance.create(':memory:').then((db) => db.connect());
    return this.connection;
  }

  /**
   * Points each lake view at its Parquet files. A view over read_parquet(glob) re-globs at every query,
   * so once a table has files its view needs no refresh; only still-empty tables are checked again.
   */
  private async refreshViews(conn: DuckDBConnection): Promise<void> {
    for (const [name, table] of Object.entries(this.tables)) {
      if (this.populated.has(name)) continue;
      const glob = table.glob.replaceAll("'", "''");
      const found = await conn.runAndReadAll(`SELECT count(*) AS n FROM glob('${glob}')`);
      const n = Number(found.getRowObjectsJS()[0]?.n ?? 0);
      if (n > 0) {
        this.populated.add(name);
        await conn.run(
          `CREATE OR REPLACE VIEW ${name} AS SELECT * FROM read_parquet('${glob}', hive_partitioning = true, union_by_name = true${hiveTypesOption(table)})`,
        );
      } else {
        await conn.run(`CREATE OR REPLACE TABLE _empty_${name} (${table.emptySchema})`);
        await conn.run(`CREATE OR REPLACE VIEW ${name} AS SELECT * FROM _empty_${name}`);
      }
    }
  }

  query(sql: string, params: SqlValue[] = []): Promise<Row[]> {
    // One connection, one statement at a time: DuckDB connections are not meant for interleaved use.
    const run = async (): Promise<Row[]> => {
      const conn = await this.connect();
      await this.refreshViews(conn);
      try {
        const reader = await conn.runAndReadAll(sql, params as DuckDBValue[]);
        return reader.getRowObjectsJS().map(normaliseRow);
      } catch (err) {
        // Every file of a table was removed (a replaced upload): fall back to the empty table once.
        if (/No files found/i.test((err as Error).message) && this.populated.size > 0) {
          this.populated.clear();
          await this.refreshViews(conn);
          try {
            return (await conn.runAndReadAll(sql, params as DuckDBValue[]))
              .getRowObjectsJS()
              .map(normaliseRow);
          } catch (again) {
            throw new QueryFailedError(`query failed: ${(again as Error).message}`, 'FAILED');
          }
        }
        throw new QueryFailedError(`query failed: ${(err as Error).message}`, 'FAILED');
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Runs a statement without the lake views (bulk loads, COPY TO, benchmarks). */
  async exec(sql: string): Promise<void> {
    const conn = await this.connect();
    await conn.run(sql);
  }

  async close(): Promise<void> {
    if (!this.connection) return;
    const conn = await this.connection;
    conn.closeSync();
    this.connection = undefined;
  }
}

function hiveTypesOption(table: LakeTable): string {
  const entries = Object.entries(table.hiveTypes ?? {});
  if (entries.length === 0) return '';
  for (const [k, t] of entries)
    if (!/^\w+$/.test(k) || !/^[A-Z]+$/.test(t)) throw new Error(`invalid hive type ${k}: ${t}`);
  return `, hive_types = {${entries.map(([k, t]) => `'${k}': ${t}`).join(', ')}}`;
}

function normaliseRow(row: Record<string, unknown>): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(row)) out[k] = normaliseValue(v);
  return out;
}

function normaliseValue(v: unknown): SqlValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Date) {
    const iso = v.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  return String(v);
}
