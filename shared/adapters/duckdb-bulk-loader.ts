import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { BulkFile, BulkLoader, BulkLoadRequest, BulkLoadResult } from '../ingest/bulk.ts';
import { hmacPads } from '../ingest/pseudonymise.ts';
import { sqlCell, sqlDefault, sqlRowCertain, sqlString } from '../ingest/sql-converters.ts';

/** The error a row that is not certain raises inside the COPY, and the reason given for declining. */
const UNCERTAIN_ROW = 'a row needs row-level checks';

export interface DuckDbBulkLoaderOptions {
  /** DuckDB threads (default: the machine's cores, at most 8). */
  threads?: number;
  /**
   * DuckDB's memory limit in MB (default 80 per thread, at least 160): it spills past it. Partitioned
   * writing buffers rows per thread, so fewer MB per thread ran out of memory. Node and the modules
   * take ~120 MB more.
   */
  memoryLimitMb?: number;
}

/**
 * The bulk ingest engine on DuckDB (see shared/ingest/bulk.ts), in parallel native code, streaming:
 *  1. the identifier columns are read and their distinct values pseudonymised (HMAC-SHA256 built from
 *     DuckDB's sha256);
 *  2. one COPY reads the CSV again, converts each cell with sql-converters.ts, checks each row's
 *     certainty, joins the pseudonyms and writes Hive-partitioned Parquet (PARTITION_BY year, month).
 *     A row that is not certain, or a record the reader set aside, makes it decline.
 * Raw identifiers only live in DuckDB's memory and its spill folder (deleted with the work folder);
 * every file written, including the declined rows' partition, holds pseudonyms.
 * Tried and measured slower: reading the CSV once into a typed temporary table, then joining and
 * writing from it (~10% more CPU, ~50 MB more RSS).
 */
export class DuckDbBulkLoader implements BulkLoader {
  private readonly options: DuckDbBulkLoaderOptions;
  constructor(options: DuckDbBulkLoaderOptions = {}) {
    this.options = options;
  }

  async load(req: BulkLoadRequest): Promise<BulkLoadResult> {
    const spill = join(req.outDir, '.spill');
    const threads = this.options.threads ?? Math.min(8, availableParallelism());
    const db = await DuckDBInstance.create(':memory:', {
      threads: String(threads),
      memory_limit: `${this.options.memoryLimitMb ?? Math.max(160, 80 * threads)}MB`,
      temp_directory: spill,
    });
    const conn = await db.connect();
    try {
      return await this.run(conn, req);
    } catch (err) {
      if (firstLine(err).includes(UNCERTAIN_ROW)) return { status: 'declined', reason: UNCERTAIN_ROW };
      // A malformed record, invalid UTF-8, a quote left open... (the JS path reports it row by row), or
      // DuckDB running short of memory or disk: the JS path still ingests the file.
      return { status: 'declined', reason: `DuckDB failed: ${firstLine(err)}` };
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
    // Records DuckDB cannot parse (a wrong field count, a quote left open...) land in reject_errors
    // instead of failing the query; any there makes the loader decline.
    const src = `read_csv(${sqlString(req.path)}, header = true, auto_detect = false,
      delim = ${sqlString(req.delimiter)}, quote = '"', escape = '"', columns = ${columns},
      compression = '${req.compression}', nullstr = ['', 'NA', 'NULL'], store_rejects = true)`;

    const mapped = layout.plan.filter((p) => p.at >= 0);
    const idColumns = mapped.filter((p) => p.field.kind === 'identifier').map((p) => `c${p.at}`);
    await conn.run('SET preserve_insertion_order = false');
    // PARTITION_BY buffers rows per partition until this many have gathered (default 512k): flushing
    // sooner keeps the buffers within the memory limit instead of spilling them (about 25% less CPU);
    // each file still gets full-size row groups.
    await conn.run('SET partitioned_write_flush_threshold = 30000');
    // The CSV's size is unknown to the optimizer, which then built the pseudonym joins' hash tables on
    // the CSV side (all rows, spilling): keep the join sides as written, pseudonyms on the build side.
    await conn.run(`SET disabled_optimizers = 'build_side_probe_side'`);

    // Pass 1, identifier columns only: the distinct identifiers and their pseudonyms, HMAC-SHA256 built
    // from DuckDB's sha256 (see hmacPads).
    if (idColumns.length) {
      const { ipad, opad } = hmacPads(req.key);
      const hex = (b: Uint8Array) => `from_hex('${Buffer.from(b).toString('hex')}')`;
      await conn.run(`CREATE TEMP TABLE ids AS
        SELECT v, 'P' || left(sha256(${hex(opad)} || from_hex(sha256(${hex(ipad)} || encode(v)))), 24) AS p
        FROM (SELECT DISTINCT unnest([${idColumns.join(', ')}]) AS v FROM ${src}) WHERE v IS NOT NULL`);
      const rejected = await rejectedRecords(conn);
      if (rejected) return rejected;
    }

    // Pass 2: convert, pseudonymise and write partitioned Parquet, streaming. The first row that is not
    // certain stops the COPY with an error (so a file with a bad row costs little before the streaming
    // path takes it); the caller deletes the work folder either way.
    // As in the JS path, a column the layout lacks and that has no default is left out of the files: the
    // schema anchor file (and Glue, in the cloud) gives readers the full column set.
    let joins = '';
    const select = layout.plan.flatMap(({ field, at }) => {
      if (at < 0) return field.default === undefined ? [] : [`${sqlDefault(field)} AS "${field.name}"`];
      if (field.kind !== 'identifier')
        return [`${sqlCell(field, `c${at}`, options).value} AS "${field.name}"`];
      const alias = `i_${field.name}`;
      joins += ` LEFT JOIN ids ${alias} ON ${alias}.v = src.c${at}`;
      return [`${alias}.p AS "${field.name}"`];
    });
    const certain = sqlRowCertain(
      mapped.map((p) => ({ field: p.field, r: `src.c${p.at}` })),
      options,
    );
    const column = (name: string) => {
      const p = layout.plan.find((x) => x.field.name === name);
      if (!p) throw new Error(`dataset ${dataset.name} has no field ${name}`);
      return p.at >= 0 || p.field.default !== undefined ? `"${name}"` : sqlDefault(p.field);
    };
    const by = dataset.partitionBy;
    const [year, month] =
      'date' in by
        ? [`year(${column(by.date)})`, `month(${column(by.date)})`]
        : [column(by.year), `coalesce(${column(by.month)}, 0)`];
    const kv = Object.entries(req.kvMetadata)
      .map(([k, v]) => `${sqlString(k)}: ${sqlString(v)}`)
      .join(', ');
    const outDir = join(req.outDir, 'parquet');
    const copied = await conn.runAndReadAll(`COPY (
        SELECT * EXCLUDE (__certain),
          CASE WHEN __certain THEN ${year} ELSE error(${sqlString(UNCERTAIN_ROW)}) END AS p_year,
          ${month} AS p_month
        FROM (SELECT ${select.join(', ')}, ${certain} AS __certain FROM ${src} AS src${joins})
      ) TO ${sqlString(outDir)} (FORMAT parquet, COMPRESSION snappy, PARTITION_BY (p_year, p_month),
        FILENAME_PATTERN 'part_{i}'${kv ? `, KV_METADATA {${kv}}` : ''})`);
    const rowsIn = Number(copied.getRowObjectsJS()[0]?.Count);

    const rejected = await rejectedRecords(conn);
    if (rejected) return rejected;

    const files = await listFiles(conn, outDir);
    const total = files.reduce((s, f) => s + f.rows, 0);
    if (total !== rowsIn) throw new Error(`internal: read ${rowsIn} rows but wrote ${total}`);
    req.log?.(`bulk: ${rowsIn} rows → ${files.length} partition file(s)`);
    return { status: 'loaded', rowsIn, files };
  }
}

/** Declines when DuckDB's reader set records aside (each is one line, whatever its errors). */
async function rejectedRecords(
  conn: Awaited<ReturnType<DuckDBInstance['connect']>>,
): Promise<BulkLoadResult | undefined> {
  const n = Number(
    (await conn.runAndReadAll('SELECT count(DISTINCT line) AS n FROM reject_errors')).getRowObjectsJS()[0].n,
  );
  return n > 0 ? { status: 'declined', reason: `${n} record(s) DuckDB could not parse` } : undefined;
}

/** The Parquet files COPY … PARTITION_BY wrote, with their row counts. */
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
