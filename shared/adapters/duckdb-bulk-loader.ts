import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { BulkFile, BulkLoader, BulkLoadRequest, BulkLoadResult } from '../ingest/bulk.ts';
import { hmacPads } from '../ingest/pseudonymise.ts';
import { sqlCell, sqlDefault, sqlRowCertain, sqlString } from '../ingest/sql-converters.ts';

export interface DuckDbBulkLoaderOptions {
  /** DuckDB's memory limit (default 160 MB): it spills past it. Node and the modules take ~120 MB more. */
  memoryLimit?: string;
  threads?: number;
}

/**
 * The bulk ingest engine on DuckDB (see shared/ingest/bulk.ts), in parallel native code:
 *  1. the CSV is read once into a typed temporary table, each row with the certainty predicate of
 *     sql-converters.ts; any uncertain or unparseable row makes it decline;
 *  2. the distinct identifiers are pseudonymised (HMAC-SHA256 from DuckDB's sha256), and the rows,
 *     joined to their pseudonyms, are written as Hive-partitioned Parquet with COPY … PARTITION_BY.
 * Raw identifiers only ever live in DuckDB's memory (or its spill folder, deleted with the instance).
 */
export class DuckDbBulkLoader implements BulkLoader {
  private readonly options: DuckDbBulkLoaderOptions;
  constructor(options: DuckDbBulkLoaderOptions = {}) {
    this.options = options;
  }

  async load(req: BulkLoadRequest): Promise<BulkLoadResult> {
    const spill = join(req.outDir, '.spill');
    const db = await DuckDBInstance.create(':memory:', {
      memory_limit: this.options.memoryLimit ?? '160MB',
      temp_directory: spill,
      ...(this.options.threads ? { threads: String(this.options.threads) } : {}),
    });
    const conn = await db.connect();
    try {
      return await this.run(conn, req);
    } catch (err) {
      // A malformed record, invalid UTF-8, a quote left open...: the JS path reports it row by row.
      return { status: 'declined', reason: `DuckDB could not read the file: ${firstLine(err)}` };
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  }

  private async run(
    conn: Awaited<ReturnType<DuckDBInstance['connect']>>,
    req: BulkLoadRequest,
  ): Promise<BulkLoadResult> {
    const { layout, dataset } = req;
    const options = { dateFormat: layout.mapping.dateFormat, hsLength: layout.mapping.hsLength };
    const columns = `{${layout.header.map((_, i) => `'c${i}': 'VARCHAR'`).join(', ')}}`;
    // Rows DuckDB cannot parse (a wrong field count, a number it cannot read...) land in reject_errors
    // instead of failing the query; any there makes the loader decline.
    const src = `read_csv(${sqlString(req.path)}, header = true, auto_detect = false,
      delim = ${sqlString(req.delimiter)}, quote = '"', escape = '"', columns = ${columns},
      compression = '${req.compression}', nullstr = ['', 'NA', 'NULL'], store_rejects = true)`;

    const fields = layout.plan.map(({ field, at }) => ({
      field,
      cell: at >= 0 ? sqlCell(field, `c${at}`, options) : undefined,
    }));
    const certain = sqlRowCertain(
      layout.plan.filter((p) => p.at >= 0).map((p) => ({ field: p.field, r: `c${p.at}` })),
      options,
    );
    const ids = fields.filter((f) => f.field.kind === 'identifier' && f.cell).map((f) => `"${f.field.name}"`);

    // Pass 1: the CSV once, into a typed table (DuckDB spills it past the memory limit), with each
    // row's certainty. Identifiers are still raw here.
    await conn.run('SET preserve_insertion_order = false');
    // Columns the layout lacks are added only when writing: constant columns in the table cost as much
    // as real ones.
    await conn.run(`CREATE TEMP TABLE rows AS SELECT
      ${fields.flatMap((f) => (f.cell ? [`${f.cell.value} AS "${f.field.name}"`] : [])).join(',\n      ')},
      (${certain}) AS __certain
      FROM ${src}`);
    const counts = (
      await conn.runAndReadAll(`SELECT count(*) AS n, count(*) FILTER (WHERE __certain IS NOT TRUE) AS odd,
        (SELECT count(*) FROM reject_errors) AS rejected FROM rows`)
    ).getRowObjectsJS()[0];
    const rowsIn = Number(counts.n);
    if (Number(counts.rejected) > 0)
      return { status: 'declined', reason: `${counts.rejected} record(s) DuckDB could not parse` };
    if (Number(counts.odd) > 0)
      return { status: 'declined', reason: `${counts.odd} of ${rowsIn} rows need row-level checks` };

    // Pseudonyms of the distinct identifiers: HMAC-SHA256 built from DuckDB's sha256 (see hmacPads).
    const { ipad, opad } = hmacPads(req.key);
    const hex = (b: Uint8Array) => `from_hex('${Buffer.from(b).toString('hex')}')`;
    if (ids.length)
      await conn.run(`CREATE TEMP TABLE ids AS
        SELECT v, 'P' || left(sha256(${hex(opad)} || from_hex(sha256(${hex(ipad)} || encode(v)))), 24) AS p
        FROM (SELECT DISTINCT unnest([${ids.join(', ')}]) AS v FROM rows) WHERE v IS NOT NULL`);

    // Pass 2: pseudonymise and write, partitioned by year and month.
    let joins = '';
    // As in the JS path, a column the layout lacks and that has no default is left out of the files: the
    // schema anchor file (and Glue, in the cloud) gives readers the full column set.
    const select = fields.flatMap(({ field, cell }) => {
      if (!cell) return field.default === undefined ? [] : [`${sqlDefault(field)} AS "${field.name}"`];
      if (!ids.includes(`"${field.name}"`)) return [`rows."${field.name}"`];
      const alias = `i_${field.name}`;
      joins += ` LEFT JOIN ids ${alias} ON ${alias}.v = rows."${field.name}"`;
      return [`${alias}.p AS "${field.name}"`];
    });
    const column = (name: string) => {
      const f = fields.find((x) => x.field.name === name);
      if (!f) throw new Error(`dataset ${dataset.name} has no field ${name}`);
      return f.cell ? `rows."${name}"` : sqlDefault(f.field);
    };
    const by = dataset.partitionBy;
    const partition =
      'date' in by
        ? `year(${column(by.date)}) AS p_year, month(${column(by.date)}) AS p_month`
        : `${column(by.year)} AS p_year, coalesce(${column(by.month)}, 0) AS p_month`;
    const kv = Object.entries(req.kvMetadata)
      .map(([k, v]) => `${sqlString(k)}: ${sqlString(v)}`)
      .join(', ');
    const outDir = join(req.outDir, 'parquet');
    // PARTITION_BY buffers rows per partition until this many have gathered (default 512k): flushing
    // sooner kept the buffers in memory instead of spilling, about 25% less CPU for the COPY; each
    // file still gets full-size row groups.
    await conn.run('SET partitioned_write_flush_threshold = 30000');
    await conn.run(`COPY (SELECT ${select.join(', ')}, ${partition} FROM rows${joins})
      TO ${sqlString(outDir)} (FORMAT parquet, COMPRESSION snappy, PARTITION_BY (p_year, p_month),
        FILENAME_PATTERN 'part_{i}'${kv ? `, KV_METADATA {${kv}}` : ''})`);

    const files = await listFiles(conn, outDir);
    const total = files.reduce((s, f) => s + f.rows, 0);
    if (total !== rowsIn) throw new Error(`internal: read ${rowsIn} rows but wrote ${total}`);
    req.log?.(`bulk: ${rowsIn} rows → ${files.length} partition file(s)`);
    return { status: 'loaded', rowsIn, files };
  }
}

async function listFiles(
  conn: Awaited<ReturnType<DuckDBInstance['connect']>>,
  outDir: string,
): Promise<BulkFile[]> {
  const paths: { path: string; year: number; month: number }[] = [];
  for (const y of safeReaddir(outDir)) {
    const year = /^p_year=(\d+)$/.exec(y)?.[1];
    if (!year) continue;
    for (const m of safeReaddir(join(outDir, y))) {
      const month = /^p_month=(\d+)$/.exec(m)?.[1];
      if (!month) continue;
      for (const f of safeReaddir(join(outDir, y, m)))
        if (f.endsWith('.parquet'))
          paths.push({ path: join(outDir, y, m, f), year: Number(year), month: Number(month) });
    }
  }
  if (!paths.length) return [];
  const rows = new Map<string, number>();
  const meta = await conn.runAndReadAll(
    `SELECT file_name, num_rows FROM parquet_file_metadata([${paths.map((p) => sqlString(p.path)).join(', ')}])`,
  );
  for (const r of meta.getRowObjectsJS()) rows.set(String(r.file_name), Number(r.num_rows));
  return paths
    .map((p) => ({ ...p, rows: rows.get(p.path) ?? 0 }))
    .sort((a, b) => a.year - b.year || a.month - b.month || a.path.localeCompare(b.path));
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0];
}
