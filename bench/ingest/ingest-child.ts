// One measured run in its own process, so peak RSS (getrusage maxrss) is this run's alone.
// Usage: node bench/ingest/ingest-child.ts bacuda|duckdb FILE OUTDIR
import { rmSync } from 'node:fs';
import module from 'node:module';
import { join } from 'node:path';

// As bin/bacuda.ts does: `bacuda ingest` starts with V8's compile cache.
module.enableCompileCache?.();

const [mode, file, outDir] = process.argv.slice(2);
rmSync(outDir, { recursive: true, force: true });
const started = performance.now();
const cpu0 = process.cpuUsage();
let rows = 0;
if (mode === 'bacuda') {
  const { FsObjectStore } = await import('../../shared/adapters/fs-object-store.ts');
  const { ingestUpload } = await import('../../shared/ingest/ingest.ts');
  const { LocalKeyStore } = await import('../../shared/ingest/local-key-store.ts');
  const { fileBytes } = await import('../../shared/ingest/source.ts');
  const { DuckDbBulkLoader } = await import('../../shared/adapters/duckdb-bulk-loader.ts');
  const m = await ingestUpload(
    {
      store: new FsObjectStore(outDir),
      keys: new LocalKeyStore(outDir),
      // What `bacuda ingest` and `npm start` use; BENCH_STREAMING=1 measures the streaming JS path alone.
      ...(process.env.BENCH_STREAMING ? {} : { bulk: new DuckDbBulkLoader() }),
      ...(process.env.PART_ROWS
        ? { partRows: Number(process.env.PART_ROWS), maxBufferedRows: Number(process.env.PART_ROWS) }
        : {}),
    },
    {
      admin: 'XAA',
      dataset: 'declarations',
      fileName: 'bench.csv',
      open: async () => fileBytes(file),
      localPath: file,
    },
  );
  if (m.status !== 'ingested') throw new Error(`ingest ended ${m.status}: ${m.error ?? ''}`);
  rows = m.rowsAccepted + m.rowsRejected;
} else if (mode === 'duckdb') {
  const { mkdirSync } = await import('node:fs');
  const { DuckDBInstance } = await import('@duckdb/node-api');
  mkdirSync(outDir, { recursive: true });
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  const q = (s: string) => `'${s.replaceAll("'", "''")}'`;
  await conn.run(
    `COPY (SELECT * FROM read_csv(${q(file)})) TO ${q(join(outDir, 'out.parquet'))} (FORMAT parquet)`,
  );
  const r = await conn.runAndReadAll(
    `SELECT count(*) AS n FROM read_parquet(${q(join(outDir, 'out.parquet'))})`,
  );
  rows = Number(r.getRowObjectsJS()[0].n);
  conn.closeSync();
} else {
  throw new Error(`unknown mode ${mode}`);
}
const cpu = process.cpuUsage(cpu0);
process.stdout.write(
  `${JSON.stringify({
    mode,
    rows,
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  })}\n`,
);
